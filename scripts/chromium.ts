// Where the end-to-end tests find Chromium: CHROME_PATH, else Debian's /usr/bin/chromium.
import { existsSync } from 'node:fs';

export const chromiumPath = process.env.CHROME_PATH ?? '/usr/bin/chromium';

export function missingChromiumMessage(): string | null {
	return existsSync(chromiumPath)
		? null
		: `Chromium not found at ${chromiumPath}: install it with "sudo apt-get install -y chromium" or set CHROME_PATH to a Chromium 156 binary.`;
}
