/**
 * The map's labels: the whole CIDR where it fits, else the part the parent does not fix with its prefix
 * length, else none; never a CIDR cut short. And what a run of free blocks says it covers.
 */
import { describe, expect, it } from 'vitest';
import { mapLabel, runSpan } from '../renderer/src/map/nodes';

const WIDE = 1000;

describe('map labels', () => {
  it('show the whole CIDR where it fits', () => {
    expect(mapLabel('10.37.0.0/16', 8, WIDE, 'l')).toBe('10.37.0.0/16');
    expect(mapLabel('2001:db8:5::/48', 32, WIDE, 'l')).toBe('2001:db8:5::/48');
  });

  it('else leave out what the parent fixes, keeping the prefix length', () => {
    // 12 characters do not fit 80 px at the "m" size (6.8 px each); the tail does.
    expect(mapLabel('10.37.0.0/16', 8, 80, 'm')).toBe('.37.0.0/16');
    expect(mapLabel('10.37.0.0/16', 8, 60, 'm')).toBe('.37.0/16');
    expect(mapLabel('10.20.7.0/24', 16, 60, 'm')).toBe('.7.0/24');
    expect(mapLabel('10.20.7.0/24', 22, 60, 'm')).toBe('.7.0/24');
    expect(mapLabel('203.0.113.96/27', 24, 50, 'm')).toBe('.96/27');
    expect(mapLabel('2001:db8:0:5::/64', 48, 80, 'm')).toBe('…:5::/64');
    expect(mapLabel('2001:db8:5::/48', 32, 80, 'm')).toBe('…:5::/48');
  });

  it('siblings never share a label', () => {
    const labels = Array.from({ length: 256 }, (_, i) => mapLabel(`10.20.${i}.0/24`, 16, 64, 'm'));
    expect(labels.every((l) => l !== null)).toBe(true);
    expect(new Set(labels).size).toBe(256);
  });

  it('show nothing rather than a cut CIDR, and nothing but the whole CIDR on the top row', () => {
    expect(mapLabel('203.0.113.104/29', 24, 20, 's')).toBeNull();
    expect(mapLabel('10.0.0.0/8', null, 40, 'm')).toBeNull();
  });

  it('a run of free blocks names the block it adds up to, or its first block and how many follow', () => {
    expect(runSpan([{ cidr: '10.128.0.0/10' }, { cidr: '10.192.0.0/10' }])).toBe('10.128.0.0/9');
    expect(runSpan([{ cidr: '203.0.113.0/25' }, { cidr: '203.0.113.128/27' }, { cidr: '203.0.113.160/27' }])).toBe('203.0.113.0/25 + 2 more');
    // Adds up to a power of two but starts off its boundary: not one block.
    expect(runSpan([{ cidr: '10.64.0.0/10' }, { cidr: '10.128.0.0/10' }])).toBe('10.64.0.0/10 + 1 more');
  });
});
