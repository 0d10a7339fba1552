CREATE TABLE `api_keys` (
	`key_hash` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`label` text NOT NULL,
	`permissions` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `api_keys_user` ON `api_keys` (`user_id`);--> statement-breakpoint
CREATE TABLE `invoice_payments` (
	`invoice_id` text NOT NULL,
	`id` text NOT NULL,
	`amount_msat` integer NOT NULL,
	`fee_msat` integer DEFAULT 0 NOT NULL,
	`destination` text NOT NULL,
	`received_at` integer NOT NULL,
	`after_expiration` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`invoice_id`, `id`),
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `invoices` (
	`id` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`status` text NOT NULL,
	`additional_status` text NOT NULL,
	`type` text NOT NULL,
	`currency` text NOT NULL,
	`amount_minor` integer NOT NULL,
	`tip_minor` integer DEFAULT 0 NOT NULL,
	`amount_msat` integer NOT NULL,
	`paid_msat` integer DEFAULT 0 NOT NULL,
	`rate` text,
	`rate_source` text,
	`rate_time` integer,
	`metadata` text DEFAULT '{}' NOT NULL,
	`checkout` text DEFAULT '{}' NOT NULL,
	`order_id` text,
	`search_text` text DEFAULT '' NOT NULL,
	`node_kind` text NOT NULL,
	`test_mode` integer DEFAULT false NOT NULL,
	`node_state` text NOT NULL,
	`node_error` text,
	`bolt11` text,
	`payment_hash` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`monitoring_expires_at` integer NOT NULL,
	`closed_at` integer,
	`archived` integer DEFAULT false NOT NULL,
	`created_by` text,
	`version` integer DEFAULT 0 NOT NULL,
	`write_token` text,
	FOREIGN KEY (`store_id`) REFERENCES `stores`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `invoices_store_created` ON `invoices` (`store_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `invoices_store_order` ON `invoices` (`store_id`,`order_id`);--> statement-breakpoint
CREATE INDEX `invoices_open` ON `invoices` (`closed_at`,`expires_at`);--> statement-breakpoint
CREATE INDEX `invoices_hash` ON `invoices` (`payment_hash`);--> statement-breakpoint
CREATE TABLE `products` (
	`id` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`title` text NOT NULL,
	`description` text,
	`price_minor` integer NOT NULL,
	`currency` text NOT NULL,
	`category` text,
	`image_url` text,
	`position` integer DEFAULT 0 NOT NULL,
	`disabled` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`store_id`) REFERENCES `stores`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `products_store` ON `products` (`store_id`,`position`);--> statement-breakpoint
CREATE TABLE `sim_invoices` (
	`payment_hash` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`label` text NOT NULL,
	`bolt11` text NOT NULL,
	`amount_msat` integer NOT NULL,
	`preimage` text NOT NULL,
	`description` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sim_invoices_label` ON `sim_invoices` (`store_id`,`label`);--> statement-breakpoint
CREATE TABLE `sim_payments` (
	`id` text PRIMARY KEY NOT NULL,
	`payment_hash` text NOT NULL,
	`amount_msat` integer NOT NULL,
	`paid_at` integer NOT NULL,
	FOREIGN KEY (`payment_hash`) REFERENCES `sim_invoices`(`payment_hash`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sim_payments_hash` ON `sim_payments` (`payment_hash`);--> statement-breakpoint
CREATE TABLE `store_nodes` (
	`store_id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`sealed_config` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`store_id`) REFERENCES `stores`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`webhook_id` text NOT NULL,
	`original_delivery_id` text NOT NULL,
	`seq` integer NOT NULL,
	`attempt` integer NOT NULL,
	`type` text NOT NULL,
	`invoice_id` text,
	`event_key` text NOT NULL,
	`body` text NOT NULL,
	`status` text NOT NULL,
	`http_code` integer,
	`error_message` text,
	`created_at` integer NOT NULL,
	`next_attempt_at` integer,
	`delivered_at` integer,
	`manual` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`webhook_id`) REFERENCES `webhooks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_webhook` ON `webhook_deliveries` (`webhook_id`,`seq`);--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_deliveries_event` ON `webhook_deliveries` (`webhook_id`,`event_key`,`attempt`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_due` ON `webhook_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `webhooks` (
	`id` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`url` text NOT NULL,
	`sealed_secret` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`automatic_redelivery` integer DEFAULT true NOT NULL,
	`authorized_events` text NOT NULL,
	`created_at` integer NOT NULL,
	`lease_until` integer,
	FOREIGN KEY (`store_id`) REFERENCES `stores`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `webhooks_store` ON `webhooks` (`store_id`);