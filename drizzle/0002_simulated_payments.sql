CREATE TABLE `sim_outgoing` (
	`store_id` text NOT NULL,
	`payment_hash` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`amount_msat` integer NOT NULL,
	`fee_msat` integer NOT NULL,
	`status` text NOT NULL,
	`preimage` text,
	`reason` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`store_id`, `payment_hash`)
);
