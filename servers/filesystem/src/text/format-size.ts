/** Human-readable size, byte-for-byte the same format as the reference server ("1.50 KB"). */
export function formatSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  if (bytes <= 0) return '0 B';
  const exponent = Math.floor(Math.log(bytes) / Math.log(1024));
  if (exponent <= 0) return `${bytes} ${units[0]}`;
  const unitIndex = Math.min(exponent, units.length - 1);
  return `${(bytes / 1024 ** unitIndex).toFixed(2)} ${units[unitIndex]}`;
}
