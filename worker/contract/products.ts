// The POS product catalogue (Flashpoint's own routes, in Greenfield's style):
// GET/POST /api/v1/stores/{storeId}/products, PUT/DELETE …/products/{productId}.
import { z } from 'zod';

export const productInputSchema = z.object({
	title: z.string().trim().min(1, { error: 'A product needs a name.' }).max(80),
	description: z.string().trim().max(500).nullish(),
	/** Decimal string in the store's default currency, e.g. "450.00". */
	price: z.string().trim().regex(/^\d{1,12}(\.\d{1,3})?$/, { error: 'A price is a decimal number such as "450.00".' }),
	category: z.string().trim().max(40).nullish(),
	imageUrl: z.url({ protocol: /^https?$/, error: 'An image link starts with https://.' }).max(2000).nullish(),
	position: z.number().int().min(0).max(10_000).optional(),
	disabled: z.boolean().optional()
});

export type ProductInput = z.infer<typeof productInputSchema>;

export type ProductData = {
	id: string;
	title: string;
	description: string | null;
	price: string;
	currency: string;
	category: string | null;
	imageUrl: string | null;
	position: number;
	disabled: boolean;
};
