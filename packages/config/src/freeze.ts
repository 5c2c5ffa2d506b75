// Configs are shared by every library the registry wires up; freezing them makes a stray write a TypeError
// at the writer instead of a surprise elsewhere.
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
