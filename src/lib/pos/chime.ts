// The "paid" signal: a short two-note chime made with the Web Audio API (no sound file) and a
// vibration where the device has one. Browsers only let a page make sound after a user gesture,
// so the till calls `primeChime()` from the Charge click and plays the chime later.
let context: AudioContext | null = null;

function audio(): AudioContext | null {
	if (context) return context;
	const Ctor = globalThis.AudioContext ?? (globalThis as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
	if (!Ctor) return null;
	try {
		context = new Ctor();
	} catch {
		return null;
	}
	return context;
}

/** Call from a click: creates or resumes the audio context while the gesture allows it. */
export function primeChime(): void {
	const ctx = audio();
	if (ctx && ctx.state === 'suspended') void ctx.resume().catch(() => {});
}

/** Two bright notes (E6 then A6), each a sine with a quick attack and a soft tail. */
export function playChime(): void {
	const ctx = audio();
	if (ctx) {
		if (ctx.state === 'suspended') void ctx.resume().catch(() => {});
		const start = ctx.currentTime + 0.02;
		for (const [i, frequency] of [1318.5, 1760].entries()) {
			const at = start + i * 0.14;
			const osc = ctx.createOscillator();
			const gain = ctx.createGain();
			osc.type = 'sine';
			osc.frequency.setValueAtTime(frequency, at);
			gain.gain.setValueAtTime(0.0001, at);
			gain.gain.exponentialRampToValueAtTime(0.35, at + 0.015);
			gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.6);
			osc.connect(gain).connect(ctx.destination);
			osc.start(at);
			osc.stop(at + 0.65);
		}
	}
	if ('vibrate' in navigator) {
		try {
			navigator.vibrate([80, 60, 120]);
		} catch {
			// Some browsers refuse without a recent gesture; the sound and the screen suffice.
		}
	}
}

/** A refusal: two short low notes, so the cashier looks up when a card is declined. */
export function playRefusal(): void {
	const ctx = audio();
	if (!ctx) return;
	if (ctx.state === 'suspended') void ctx.resume().catch(() => {});
	const start = ctx.currentTime + 0.02;
	for (const i of [0, 1]) {
		const at = start + i * 0.2;
		const osc = ctx.createOscillator();
		const gain = ctx.createGain();
		osc.type = 'triangle';
		osc.frequency.setValueAtTime(220, at);
		gain.gain.setValueAtTime(0.0001, at);
		gain.gain.exponentialRampToValueAtTime(0.3, at + 0.01);
		gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.15);
		osc.connect(gain).connect(ctx.destination);
		osc.start(at);
		osc.stop(at + 0.18);
	}
}
