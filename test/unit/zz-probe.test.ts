import { expect, test } from 'vitest';
import { probe } from '../../src/lib/pos/zz-probe';
test('probe', () => expect(probe).toBe('1.23'));
