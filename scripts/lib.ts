// Small helpers shared by the project's scripts: run a command, wait for a URL.
import { spawn, type SpawnOptions } from 'node:child_process';

export function run(
	command: string,
	args: string[],
	options: SpawnOptions = {}
): Promise<{ code: number; output: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
		let output = '';
		child.stdout?.on('data', (d: Buffer) => {
			output += d;
			if (options.stdio === undefined) process.stdout.write(d);
		});
		child.stderr?.on('data', (d: Buffer) => {
			output += d;
			if (options.stdio === undefined) process.stderr.write(d);
		});
		child.on('error', reject);
		child.on('close', (code) => resolve({ code: code ?? 1, output }));
	});
}

export async function mustRun(command: string, args: string[], options: SpawnOptions = {}): Promise<string> {
	const { code, output } = await run(command, args, options);
	if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}`);
	return output;
}

/** Like mustRun, but prints the command's output only if it fails. */
export async function mustRunQuietly(command: string, args: string[], options: SpawnOptions = {}): Promise<string> {
	const { code, output } = await run(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
	if (code !== 0) {
		process.stderr.write(output);
		throw new Error(`${command} ${args.join(' ')} exited with ${code}`);
	}
	return output;
}

export async function waitForUrl(url: string, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	let lastError: unknown;
	while (Date.now() < deadline) {
		try {
			const res = await fetch(url);
			if (res.ok) return;
			lastError = new Error(`HTTP ${res.status}`);
		} catch (error) {
			lastError = error;
		}
		await new Promise((r) => setTimeout(r, 250));
	}
	throw new Error(`${url} did not answer within ${timeoutMs} ms: ${String(lastError)}`);
}

/** Environment for wrangler: no telemetry, no prompts. */
export function quietEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	return { ...process.env, WRANGLER_SEND_METRICS: 'false', ...extra };
}
