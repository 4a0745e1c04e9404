CREATE TABLE `rdns_providers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`space_id` integer NOT NULL,
	`url` text,
	`secret_file` text,
	`create_zones` integer DEFAULT false NOT NULL,
	`zone_ids` text DEFAULT '{}' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`space_id`) REFERENCES `spaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rdns_providers_name_unique` ON `rdns_providers` (`name`);--> statement-breakpoint
CREATE TABLE `rdns_pushed` (
	`provider_id` integer NOT NULL,
	`zone` text NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`content` text NOT NULL,
	`pushed_at` text NOT NULL,
	PRIMARY KEY(`provider_id`, `name`, `type`)
);
--> statement-breakpoint
CREATE TABLE `rdns_zones` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`space_id` integer NOT NULL,
	`cidr` text NOT NULL,
	`name` text NOT NULL,
	`style` text,
	`provider_id` integer,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`space_id`) REFERENCES `spaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`provider_id`) REFERENCES `rdns_providers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rdns_zones_cidr` ON `rdns_zones` (`space_id`,`cidr`);