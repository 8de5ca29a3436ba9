import { describe, expect, it } from 'vitest';

describe('test runtime', () => {
  it('runs on Node 22, the major of the nodejs22.x Lambda runtime', () => {
    expect(process.versions.node.split('.')[0]).toBe('22');
  });
});
