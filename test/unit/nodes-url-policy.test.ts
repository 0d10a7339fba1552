// Which node addresses a Worker can reach: https names with public certificates only, each
// refusal explained; plain http to this machine only outside production.
import { describe, expect, it } from 'vitest';
import { checkNodeUrl } from '../../worker/nodes/url-policy';

const production = { production: true };
const development = { production: false };

describe('checkNodeUrl', () => {
	it('accepts public https names on any port and keeps a path prefix, without a trailing slash', () => {
		expect(checkNodeUrl('https://lnd.example.com:8080', production)).toEqual({
			ok: true,
			url: 'https://lnd.example.com:8080'
		});
		expect(checkNodeUrl(' https://Pay.Example.org/lnbits/ ', production)).toEqual({
			ok: true,
			url: 'https://pay.example.org/lnbits'
		});
		expect(checkNodeUrl(
			'https://node.tunnel.example.net.',
			production
		)).toMatchObject({ ok: true });
	});

	it('refuses raw IP addresses in every spelling, pointing at a tunnel', () => {
		const spellings = [
			'https://203.0.113.7:8080',
			'https://127.1:8080',
			'https://0x7f.1',
			'https://2130706433',
			'https://[2001:db8::1]:8080'
		];
		for (const url of spellings) {
			const check = checkNodeUrl(url, production);
			expect(check, url).toMatchObject({ ok: false, reason: 'raw-ip' });
			const message = check.ok ? '' : check.message;
			expect(message).toMatch(/^Workers cannot reach a raw IP address \(.+\)\. .*Cloudflare Tunnel/);
		}
	});

	it('refuses Tor, mDNS, private and single-label names', () => {
		expect(checkNodeUrl(
			'https://abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuv.onion',
			production
		)).toMatchObject({ ok: false, reason: 'onion' });
		const onion = checkNodeUrl('http://x.onion:8080', production);
		expect(!onion.ok && onion.message).toContain('Nostr Wallet Connect');
		expect(checkNodeUrl(
			'https://umbrel.local',
			production
		)).toMatchObject({ ok: false, reason: 'local-name' });
		expect(checkNodeUrl(
			'https://node.home.arpa',
			production
		)).toMatchObject({ ok: false, reason: 'local-name' });
		expect(checkNodeUrl(
			'https://lnd.internal',
			production
		)).toMatchObject({ ok: false, reason: 'local-name' });
		expect(checkNodeUrl('https://mynode:8080', production)).toMatchObject({
			ok: false,
			reason: 'single-label'
		});
	});

	it('refuses plain http, other schemes, credentials, queries and what is not a URL', () => {
		expect(checkNodeUrl(
			'http://lnd.example.com:8080',
			production
		)).toMatchObject({ ok: false, reason: 'not-https' });
		expect(checkNodeUrl(
			'wss://lnd.example.com',
			production
		)).toMatchObject({ ok: false, reason: 'scheme' });
		expect(checkNodeUrl(
			'https://user:pw@lnd.example.com',
			production
		)).toMatchObject({ ok: false, reason: 'credentials' });
		expect(checkNodeUrl(
			'https://lnd.example.com/?macaroon=abc',
			production
		)).toMatchObject({ ok: false, reason: 'query' });
		expect(checkNodeUrl('lnd.example.com:8080', production)).toMatchObject({ ok: false });
		expect(checkNodeUrl('not a url', production)).toMatchObject({ ok: false, reason: 'malformed' });
	});

	it('allows http://127.0.0.1 and http://localhost with a port only outside production', () => {
		expect(checkNodeUrl('http://127.0.0.1:8080', development)).toEqual({
			ok: true,
			url: 'http://127.0.0.1:8080'
		});
		expect(checkNodeUrl('http://localhost:3010/', development)).toEqual({
			ok: true,
			url: 'http://localhost:3010'
		});
		expect(checkNodeUrl('http://[::1]:5000', development)).toMatchObject({ ok: true });
		expect(checkNodeUrl(
			'http://127.0.0.1:8080',
			production
		)).toMatchObject({ ok: false, reason: 'raw-ip' });
		expect(checkNodeUrl(
			'http://localhost:8080',
			production
		)).toMatchObject({ ok: false, reason: 'loopback' });
		expect(checkNodeUrl(
			'http://192.168.1.20:8080',
			development
		)).toMatchObject({ ok: false, reason: 'raw-ip' });
	});
});
