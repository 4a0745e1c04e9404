CREATE TABLE `transit_samples` (
	`key` integer PRIMARY KEY NOT NULL,
	`kind` integer NOT NULL,
	`in_value` integer NOT NULL,
	`out_value` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `transit_services` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`service_id` integer NOT NULL,
	`port_label` text,
	`port_speed_mbps` real,
	`model` text NOT NULL,
	`commit_mbps` real,
	`included_gb` real,
	`fee` real DEFAULT 0 NOT NULL,
	`tiers` text DEFAULT '[]' NOT NULL,
	`tier_mode` text DEFAULT 'graduated' NOT NULL,
	`direction` text,
	`unit_base` integer DEFAULT 1000 NOT NULL,
	`rounding` text DEFAULT 'none' NOT NULL,
	`anchor_day` integer DEFAULT 1 NOT NULL,
	`time_zone` text DEFAULT 'UTC' NOT NULL,
	`missing_policy` text DEFAULT 'exclude' NOT NULL,
	`start_date` text,
	`end_date` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`service_id`) REFERENCES `services`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `transit_services_service_id_unique` ON `transit_services` (`service_id`);