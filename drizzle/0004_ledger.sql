CREATE TABLE `ledger_accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`store_id` text,
	`kind` text NOT NULL,
	`unit` text NOT NULL,
	`floor` integer,
	`balance` integer DEFAULT 0 NOT NULL,
	`reference` text,
	`created_at` integer NOT NULL,
	CONSTRAINT "ledger_floor" CHECK("ledger_accounts"."floor" is null or "ledger_accounts"."balance" >= "ledger_accounts"."floor")
);
--> statement-breakpoint
CREATE INDEX `ledger_accounts_store` ON `ledger_accounts` (`store_id`,`kind`);--> statement-breakpoint
CREATE TABLE `ledger_transfers` (
	`id` text PRIMARY KEY NOT NULL,
	`debit_account` text NOT NULL,
	`credit_account` text NOT NULL,
	`amount` integer NOT NULL,
	`unit` text NOT NULL,
	`kind` text NOT NULL,
	`reference` text,
	`fiat_amount` integer,
	`fiat_currency` text,
	`rate` text,
	`rate_source` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`debit_account`) REFERENCES `ledger_accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`credit_account`) REFERENCES `ledger_accounts`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "ledger_amount_positive" CHECK("ledger_transfers"."amount" > 0),
	CONSTRAINT "ledger_distinct_accounts" CHECK("ledger_transfers"."debit_account" != "ledger_transfers"."credit_account")
);
--> statement-breakpoint
CREATE INDEX `ledger_transfers_debit` ON `ledger_transfers` (`debit_account`,`created_at`);--> statement-breakpoint
CREATE INDEX `ledger_transfers_credit` ON `ledger_transfers` (`credit_account`,`created_at`);