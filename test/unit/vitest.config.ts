// Unit layer: pure logic (money, messages, contract schemas) in Node.
import { defineConfig } from 'vitest/config';

export default defineConfig({
	test: {
		name: 'unit',
		root: new URL('../..', import.meta.url).pathname,
		include: ['test/unit/**/*.test.ts'],
		environment: 'node'
	}
});
