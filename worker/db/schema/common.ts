// Column helpers shared by the schema files.
import { sql } from 'drizzle-orm';
import { integer } from 'drizzle-orm/sqlite-core';

export const createdAt = () =>
	integer('created_at')
		.notNull()
		.default(sql`(unixepoch('subsec') * 1000)`);
