CREATE TABLE `card_issuers` (
	`store_id` text PRIMARY KEY NOT NULL,
	`issuer_key_sealed` text NOT NULL,
	`currency` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`store_id`) REFERENCES `stores`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `card_links` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`card_id` text NOT NULL,
	`kind` text NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`card_id`) REFERENCES `cards`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `card_links_card` ON `card_links` (`card_id`);--> statement-breakpoint
CREATE TABLE `card_taps` (
	`k1` text PRIMARY KEY NOT NULL,
	`card_id` text,
	`store_id` text,
	`counter` integer,
	`purpose` text NOT NULL,
	`state` text NOT NULL,
	`bolt11` text,
	`payment_hash` text,
	`amount` integer,
	`amount_msat` integer,
	`reason` text,
	`foreign_callback` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`claimed_at` integer,
	`finished_at` integer,
	FOREIGN KEY (`card_id`) REFERENCES `cards`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `card_taps_card` ON `card_taps` (`card_id`,`claimed_at`);--> statement-breakpoint
CREATE TABLE `cards` (
	`id` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`label` text,
	`currency` text NOT NULL,
	`status` text NOT NULL,
	`frozen_by` text,
	`account_id` text NOT NULL,
	`key_uid` text,
	`key_version` integer DEFAULT 0 NOT NULL,
	`programmed_via` text,
	`uid` text,
	`lookup_id` text,
	`last_counter` integer DEFAULT -1 NOT NULL,
	`per_tap_limit` integer,
	`daily_limit` integer,
	`pin_hash` text,
	`pin_limit` integer,
	`pin_failures` integer DEFAULT 0 NOT NULL,
	`pin_blocked` integer DEFAULT false NOT NULL,
	`holder_token_hash` text,
	`batch_id` text,
	`replaced_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`activated_at` integer,
	`last_used_at` integer,
	`wiped_at` integer,
	FOREIGN KEY (`store_id`) REFERENCES `stores`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cards_lookup` ON `cards` (`store_id`,`lookup_id`);--> statement-breakpoint
CREATE INDEX `cards_store_created` ON `cards` (`store_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `cards_holder` ON `cards` (`holder_token_hash`);--> statement-breakpoint
CREATE TABLE `nwc_pay_journal` (
	`key` text PRIMARY KEY NOT NULL,
	`request_id` text NOT NULL,
	`sent_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`outcome` text
);
--> statement-breakpoint
CREATE TABLE `outgoing_payments` (
	`id` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`payment_hash` text NOT NULL,
	`bolt11` text NOT NULL,
	`amount_msat` integer NOT NULL,
	`max_fee_msat` integer NOT NULL,
	`status` text NOT NULL,
	`fee_msat` integer,
	`preimage` text,
	`failure_reason` text,
	`source` text NOT NULL,
	`reservation` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_check_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outgoing_payments_hash` ON `outgoing_payments` (`store_id`,`payment_hash`);--> statement-breakpoint
CREATE INDEX `outgoing_payments_due` ON `outgoing_payments` (`status`,`next_check_at`);--> statement-breakpoint
ALTER TABLE `invoices` ADD `card_topup_id` text;