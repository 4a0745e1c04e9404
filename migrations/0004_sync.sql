CREATE TABLE `sync_conflicts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`remote_id` integer NOT NULL,
	`kind` text NOT NULL,
	`entity` text NOT NULL,
	`row` text NOT NULL,
	`key` text NOT NULL,
	`region` text,
	`fields` text NOT NULL,
	`mine` text,
	`theirs` text,
	`rows` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`resolution` text,
	`outcome` text,
	`version` integer,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`resolved_at` text
);
--> statement-breakpoint
CREATE INDEX `sync_conflicts_open` ON `sync_conflicts` (`remote_id`,`status`);--> statement-breakpoint
CREATE TABLE `sync_pushed` (
	`remote_id` integer NOT NULL,
	`batch_id` integer NOT NULL,
	`changeset_id` text,
	`version` integer,
	`pushed_at` text NOT NULL,
	PRIMARY KEY(`remote_id`, `batch_id`)
);
--> statement-breakpoint
CREATE TABLE `sync_remotes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`url` text NOT NULL,
	`secret_kind` text DEFAULT 'file' NOT NULL,
	`secret_ref` text NOT NULL,
	`ca_file` text,
	`timeout_ms` integer,
	`tenant` text,
	`version` integer,
	`floor_batch` integer DEFAULT 0 NOT NULL,
	`last_sync` text,
	`last_attempt` text,
	`online` integer,
	`last_error` text,
	`tenant_version` integer,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sync_remotes_name_unique` ON `sync_remotes` (`name`);--> statement-breakpoint
CREATE TABLE `sync_sent` (
	`remote_id` integer NOT NULL,
	`id` text NOT NULL,
	`base_version` integer NOT NULL,
	`state` text NOT NULL,
	`version` integer,
	`batches` text NOT NULL,
	`max_batch` integer NOT NULL,
	`changes` integer NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`remote_id`, `id`)
);
--> statement-breakpoint
CREATE TABLE `sync_shadow` (
	`remote_id` integer NOT NULL,
	`key` text NOT NULL,
	`entity` text NOT NULL,
	`row` text NOT NULL,
	PRIMARY KEY(`remote_id`, `key`)
);
--> statement-breakpoint
CREATE TABLE `tenant_answers` (
	`id` text PRIMARY KEY NOT NULL,
	`status` integer NOT NULL,
	`body` text NOT NULL,
	`version` integer,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tenant_changes` (
	`version` integer NOT NULL,
	`seq` integer NOT NULL,
	`change` text NOT NULL,
	PRIMARY KEY(`version`, `seq`)
);
--> statement-breakpoint
CREATE TABLE `tenant_changesets` (
	`version` integer PRIMARY KEY NOT NULL,
	`id` text NOT NULL,
	`base_version` integer NOT NULL,
	`labels` text NOT NULL,
	`changes` integer NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tenant_changesets_id_unique` ON `tenant_changesets` (`id`);--> statement-breakpoint
CREATE TABLE `tenant_row_versions` (
	`key` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL
);
