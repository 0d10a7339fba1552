// Kit's app-wide types.
declare global {
	namespace App {
		interface Error {
			status: number;
			message: string;
		}
	}
}

export {};
