// Greenfield user bodies (POST /api/v1/users, GET /api/v1/users/me), shared with the PWA.
import { z } from 'zod';

export const MIN_PASSWORD_LENGTH = 8;

export const createUserSchema = z.strictObject({
	email: z.email({ error: 'Enter a valid e-mail address.' }).max(254),
	name: z.string().trim().min(1).max(100).nullish(),
	imageUrl: z.url().nullish(),
	password: z
		.string({ error: 'A password is required.' })
		.min(MIN_PASSWORD_LENGTH, { error: `Use at least ${MIN_PASSWORD_LENGTH} characters.` })
		.max(256),
	isAdministrator: z.boolean().nullish(),
	sendInvitationEmail: z.boolean().nullish()
});

export type CreateUser = z.infer<typeof createUserSchema>;

/** Greenfield's ApplicationUserData. */
export type ApplicationUserData = {
	id: string;
	email: string;
	name: string | null;
	imageUrl: string | null;
	emailConfirmed: boolean;
	requiresEmailConfirmation: boolean;
	approved: boolean;
	requiresApproval: boolean;
	/** Unix time in seconds. */
	created: number;
	disabled: boolean;
	roles: string[];
};
