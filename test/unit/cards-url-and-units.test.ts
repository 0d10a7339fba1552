// Reading card URLs as tills get them (LUD-17 lnurlw:// and lnurlw:, https, bech32 LUD-01) and a
// card's unit of account (SATS in msat, fiat in minor units; rounding in the issuer's favour).
import { bech32 } from '@scure/base';
import { describe, expect, it } from 'vitest';
import { CardUrlError, parseCardUrl } from '../../worker/cards/card-url';
import { cardToMsat, cardUnit, formatCardAmount, msatToCard, parseCardAmount } from '../../worker/cards/units';
import { parseRate } from '../../worker/domain/money';

describe('card URLs', () => {
	it('reads lnurlw://, lnurlw: and https forms with p and c', () => {
		const p = '4E2E289D945A66BB13377A728884E867';
		const c = 'E19CCB1FED8892CE';
		for (const text of [`lnurlw://pay.example.com/boltcard?p=${p}&c=${c}`, `LNURLW://pay.example.com/boltcard?p=${p}&c=${c}`, `lnurlw:pay.example.com/boltcard?p=${p}&c=${c}`, ` https://pay.example.com/boltcard?p=${p}&c=${c}\n`]) {
			const read = parseCardUrl(text);
			expect(read.url.toString()).toBe(`https://pay.example.com/boltcard?p=${p}&c=${c}`);
			expect(read).toMatchObject({ p, c });
		}
	});

	it('uses http for onion hosts (LUD-17) and decodes bech32 LNURLs (LUD-01)', () => {
		expect(parseCardUrl('lnurlw://abc.onion/ln?p=1&c=2').url.protocol).toBe('http:');
		const words = bech32.toWords(new TextEncoder().encode('https://service.com/api?q=3fc3'));
		const lnurl = bech32.encode('lnurl', words, 2000).toUpperCase();
		expect(parseCardUrl(`lightning:${lnurl}`).url.toString()).toBe('https://service.com/api?q=3fc3');
	});

	it('refuses what is not a card URL', () => {
		for (const text of ['hello', 'ftp://x/y', 'lnurl1qqqq', 'lnurlw://']) expect(() => parseCardUrl(text)).toThrow(CardUrlError);
	});
});

describe('card units', () => {
	it('keeps SATS cards in msat and shows whole sats unless msat are left', () => {
		const sats = cardUnit('sats');
		expect(sats).toMatchObject({ currency: 'SATS', ledgerUnit: 'msat', fiat: false });
		expect(parseCardAmount(sats, '1500')).toBe(1_500_000n);
		expect(formatCardAmount(sats, 1_500_000n)).toBe('1500');
		expect(formatCardAmount(sats, 1_500_500n)).toBe('1500.5');
		expect(formatCardAmount(sats, 0n)).toBe('0');
	});

	it('keeps fiat cards in minor units and refuses BTC', () => {
		expect(cardUnit('jmd')).toMatchObject({ currency: 'JMD', ledgerUnit: 'JMD', exponent: 2, fiat: true });
		expect(formatCardAmount(cardUnit('JMD'), 200_000n)).toBe('2000.00');
		expect(() => cardUnit('BTC')).toThrow(/SATS/);
	});

	it('charges a fiat card at least the value of a payment, and advertises limits no higher than they are', () => {
		const jmd = cardUnit('JMD');
		const rate = parseRate('15000000');
		// 1,000 sat at J$15,000,000/BTC is J$150.00 exactly; one msat more rounds up a cent.
		expect(msatToCard(jmd, 1_000_000n, rate)).toBe(15_000n);
		expect(msatToCard(jmd, 1_000_001n, rate)).toBe(15_001n);
		const limitMsat = cardToMsat(jmd, 10_000n, rate);
		expect(msatToCard(jmd, limitMsat, rate)).toBeLessThanOrEqual(10_000n);
		expect(limitMsat % 1000n).toBe(0n);
	});
});
