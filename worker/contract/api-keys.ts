// Greenfield API key bodies.
import { z } from 'zod';

export const createApiKeySchema = z.object({
	label: z.string().trim().max(100).nullish(),
	permissions: z.array(z.string().max(200)).max(100).nullish()
});

export type ApiKeyData = { apiKey: string; label: string; permissions: string[] };
