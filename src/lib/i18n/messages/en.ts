// The English catalogue: the source of every UI string and of the message keys. Other languages
// must translate every key (their type is `Messages`), so a missing string fails the type check.
// Placeholders are `{name}`; `t()` requires exactly the placeholders a message uses.
export const en = {
	'app.name': 'Flashpoint',
	'app.tagline': 'Bitcoin point of sale on your own node',
	'nav.home': 'Home',
	'nav.pos': 'Point of sale',
	'nav.merchant': 'Merchant',
	'nav.card': 'Flash Card',
	'nav.main': 'Main',
	'language.label': 'Language',
	'status.checking': 'Checking the server…',
	'status.online': 'Server online · version {version}',
	'status.degraded': 'Server answers but its database does not',
	'status.offline': 'Offline: showing the saved app',
	'home.heading': 'Take Bitcoin payments at the till',
	'home.intro':
		'Flashpoint relays every sale to your own Lightning node. Pick where you want to start.',
	'home.pos.title': 'Point of sale',
	'home.pos.body': 'For cashiers: ring up a sale and show the customer a QR code.',
	'home.merchant.title': 'Merchant',
	'home.merchant.body': 'For owners and managers: sales, balances, cards and settings.',
	'home.card.title': 'Flash Card',
	'home.card.body': 'For cardholders: balance and history of your prepaid card.',
	'pos.heading': 'Point of sale',
	'pos.body':
		'The keypad, the product grid and the Lightning QR arrive with checkout. This tablet already keeps the app for offline use.',
	'merchant.heading': 'Merchant',
	'merchant.body':
		'Sales, balances, reports, cards, rewards, team and settings will live here once you sign in.',
	'card.heading': 'Flash Card',
	'card.body': 'Tap your card or open its link to see your balance and recent payments.',
	'notFound.heading': 'Page not found',
	'notFound.body': 'There is nothing at {path}.',
	'error.heading': 'Something went wrong',
	'notFound.back': 'Back to the start',
	'update.ready': 'A new version of Flashpoint is ready.',
	'update.reload': 'Reload'
} as const;

export type MessageKey = keyof typeof en;
export type Messages = { readonly [K in MessageKey]: string };
