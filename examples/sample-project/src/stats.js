/** Arithmetic mean of a non-empty list of numbers. */
export function mean(values) {
  if (values.length === 0) throw new RangeError('mean of an empty list');
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Median of a non-empty list of numbers. */
export function median(values) {
  if (values.length === 0) throw new RangeError('median of an empty list');
  const sorted = [...values].sort();
  const middle = Math.floor(sorted.length / 2);
  return sorted[middle];
}
