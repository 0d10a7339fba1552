// Fills `{placeholder}` slots. The types make `t('status.online', { version })` require exactly the
// placeholders the English message names.
import type { en, MessageKey } from './messages/en';

export type Placeholders<S extends string> = S extends `${string}{${infer P}}${infer Rest}`
	? P | Placeholders<Rest>
	: never;

export type MessageParams<K extends MessageKey> = [Placeholders<(typeof en)[K]>] extends [never]
	? []
	: [params: { [P in Placeholders<(typeof en)[K]>]: string | number }];

export function interpolate(template: string, params?: Record<string, string | number>): string {
	if (!params) return template;
	return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
		name in params ? String(params[name]) : whole
	);
}
