// Bodies of the account, team and terminal routes, shared with the PWA.
import { z } from 'zod';
import { MIN_PASSWORD_LENGTH } from './users';

export const loginSchema = z.object({
	email: z.string().trim().min(1, { error: 'Enter your e-mail address.' }).max(254),
	password: z.string().min(1, { error: 'Enter your password.' }).max(256)
});

export const changePasswordSchema = z.object({
	currentPassword: z.string().min(1, { error: 'Enter your current password.' }).max(256),
	newPassword: z.string().min(MIN_PASSWORD_LENGTH, { error: `Use at least ${MIN_PASSWORD_LENGTH} characters.` }).max(256)
});

export const STORE_ROLE_NAMES = ['Owner', 'Manager', 'Employee', 'Guest'] as const;

export const addStoreUserSchema = z.object({
	/** Greenfield: the user's id or e-mail. */
	userId: z.string().trim().min(1).max(254),
	role: z.enum(STORE_ROLE_NAMES, { error: 'The role is one of Owner, Manager, Employee (cashier) or Guest.' })
});

export const updateStoreUserSchema = z.object({
	role: z.enum(STORE_ROLE_NAMES, { error: 'The role is one of Owner, Manager, Employee (cashier) or Guest.' })
});

export const createInviteSchema = z.object({
	role: z.enum(STORE_ROLE_NAMES, { error: 'The role is one of Owner, Manager, Employee (cashier) or Guest.' }),
	email: z.email().nullish(),
	/** How long the link works, in hours (default 72). */
	validHours: z.number().int().min(1).max(24 * 14).default(72)
});

export const acceptInviteSchema = z.object({
	/** For someone new: the account to create. Signed-in people send nothing. */
	email: z.email().optional(),
	password: z.string().min(MIN_PASSWORD_LENGTH, { error: `Use at least ${MIN_PASSWORD_LENGTH} characters.` }).max(256).optional(),
	name: z.string().trim().min(1).max(100).optional()
});

export const pairingCodeSchema = z.object({
	name: z.string().trim().min(1, { error: 'Name the tablet, for example "Front till".' }).max(60)
});

export const pairSchema = z.object({
	code: z.string().trim().toUpperCase().regex(/^[2-9A-HJ-NP-Z]{10}$/, { error: 'A pairing code is 10 letters and digits, as shown on the manager’s screen.' })
});

export const updateTerminalSchema = z.object({
	name: z.string().trim().min(1).max(60).optional(),
	idleLockMinutes: z.number().int().min(1).max(240).optional()
});

export const pinSchema = z.object({
	pin: z.string().regex(/^\d{4,6}$/, { error: 'A PIN is 4 to 6 digits.' })
});

export const setPinSchema = pinSchema.extend({
	currentPassword: z.string().min(1, { error: 'Confirm with your password.' }).max(256)
});

export const cashierSignInSchema = pinSchema.extend({
	userId: z.string().min(1).max(64)
});
