// drizzle-kit writes flat `drizzle/NNNN_name.sql` migrations that wrangler and the worker tests apply.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
	dialect: 'sqlite',
	schema: './worker/db/schema.ts',
	out: './drizzle'
});
