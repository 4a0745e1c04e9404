CREATE TABLE `customers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ref` text NOT NULL,
	`name` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `customers_ref_unique` ON `customers` (`ref`);--> statement-breakpoint
CREATE TABLE `devices` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`location_id` integer,
	`kind` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`location_id`) REFERENCES `locations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `devices_name_unique` ON `devices` (`name`);--> statement-breakpoint
CREATE TABLE `ip_addresses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`space_id` integer NOT NULL,
	`ip_version` integer NOT NULL,
	`address` blob NOT NULL,
	`address_text` text NOT NULL,
	`subnet_id` integer NOT NULL,
	`customer_id` integer,
	`service_id` integer,
	`device_id` integer,
	`vlan_id` integer,
	`rdns` text,
	`rdns_updated_at` text,
	`is_unavailable` integer DEFAULT false NOT NULL,
	`is_management` integer DEFAULT false NOT NULL,
	`purpose` text,
	`description` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`space_id`) REFERENCES `spaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`service_id`) REFERENCES `services`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`device_id`) REFERENCES `devices`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`vlan_id`) REFERENCES `vlans`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ip_addresses_position` ON `ip_addresses` (`space_id`,`ip_version`,`address`);--> statement-breakpoint
CREATE INDEX `ip_addresses_subnet` ON `ip_addresses` (`subnet_id`,`address`);--> statement-breakpoint
CREATE INDEX `ip_addresses_service` ON `ip_addresses` (`service_id`) WHERE service_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX `ip_addresses_device` ON `ip_addresses` (`device_id`) WHERE device_id IS NOT NULL;--> statement-breakpoint
CREATE TABLE `journal_batches` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`label` text NOT NULL,
	`kind` text NOT NULL,
	`origin` text DEFAULT 'local' NOT NULL,
	`target_id` integer,
	`undone_by` integer,
	`redoable` integer DEFAULT false NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `journal_batches_redoable` ON `journal_batches` (`undone_by`) WHERE redoable = 1;--> statement-breakpoint
CREATE TABLE `journal_records` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`batch_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`entity` text NOT NULL,
	`entity_id` integer NOT NULL,
	`key` text NOT NULL,
	`op` text NOT NULL,
	`before` text,
	`after` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `journal_records_order` ON `journal_records` (`batch_id`,`seq`);--> statement-breakpoint
CREATE TABLE `locations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`name` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `locations_code_unique` ON `locations` (`code`);--> statement-breakpoint
CREATE TABLE `products` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`ipam_config` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `products_name_unique` ON `products` (`name`);--> statement-breakpoint
CREATE TABLE `provisioning_logs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`action` text NOT NULL,
	`success` integer NOT NULL,
	`service_id` integer,
	`service_ref` text,
	`batch_id` integer,
	`details` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `provisioning_logs_service` ON `provisioning_logs` (`service_ref`) WHERE service_ref IS NOT NULL;--> statement-breakpoint
CREATE TABLE `services` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ref` text NOT NULL,
	`customer_id` integer,
	`product_id` integer,
	`device_id` integer,
	`status` text DEFAULT 'pending' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`device_id`) REFERENCES `devices`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `services_ref_unique` ON `services` (`ref`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `spaces` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `spaces_name_unique` ON `spaces` (`name`);--> statement-breakpoint
CREATE TABLE `subnets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`space_id` integer NOT NULL,
	`ip_version` integer NOT NULL,
	`net` blob NOT NULL,
	`prefix_len` integer NOT NULL,
	`cidr` text NOT NULL,
	`parent_id` integer,
	`location_id` integer,
	`vlan_id` integer,
	`allocation_status` text NOT NULL,
	`is_unavailable` integer DEFAULT false NOT NULL,
	`is_ip_pool` integer DEFAULT false NOT NULL,
	`customer_id` integer,
	`service_id` integer,
	`device_id` integer,
	`description` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`eff_location_id` integer,
	`location_src_id` integer,
	`eff_vlan_id` integer,
	`vlan_src_id` integer,
	`parked_by` integer,
	`clear` integer DEFAULT true NOT NULL,
	FOREIGN KEY (`space_id`) REFERENCES `spaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`location_id`) REFERENCES `locations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`vlan_id`) REFERENCES `vlans`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`service_id`) REFERENCES `services`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`device_id`) REFERENCES `devices`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `subnets_position` ON `subnets` (`space_id`,`ip_version`,`net`,`prefix_len`);--> statement-breakpoint
CREATE INDEX `subnets_parent` ON `subnets` (`parent_id`);--> statement-breakpoint
CREATE INDEX `subnets_service` ON `subnets` (`service_id`) WHERE service_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX `subnets_customer` ON `subnets` (`customer_id`) WHERE customer_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX `subnets_device` ON `subnets` (`device_id`) WHERE device_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX `subnets_free_leaves` ON `subnets` (`space_id`,`ip_version`,`prefix_len`,`net`) WHERE allocation_status = 'unallocated' AND is_ip_pool = 0 AND parked_by IS NULL;--> statement-breakpoint
CREATE INDEX `subnets_free_leaves_by_location` ON `subnets` (`space_id`,`ip_version`,`eff_location_id`,`prefix_len`,`net`) WHERE allocation_status = 'unallocated' AND is_ip_pool = 0 AND parked_by IS NULL AND eff_location_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX `subnets_mergeable` ON `subnets` (`space_id`,`ip_version`,`prefix_len`,`net`) WHERE allocation_status = 'subdivided' AND clear = 1 AND parked_by IS NULL;--> statement-breakpoint
CREATE INDEX `subnets_ip_pools` ON `subnets` (`space_id`,`ip_version`,`net`) WHERE is_ip_pool = 1 AND parked_by IS NULL;--> statement-breakpoint
CREATE INDEX `subnets_roots` ON `subnets` (`space_id`,`ip_version`,`net`) WHERE parent_id IS NULL;--> statement-breakpoint
CREATE TABLE `vlans` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`vid` integer NOT NULL,
	`name` text,
	`location_id` integer NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`location_id`) REFERENCES `locations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `vlans_location_vid` ON `vlans` (`location_id`,`vid`);