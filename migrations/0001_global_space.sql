-- The global address space always exists; every other space is added by the planner.
INSERT INTO `spaces` (`name`, `description`, `created_at`, `updated_at`) VALUES ('global', 'The default address space', '1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z');
