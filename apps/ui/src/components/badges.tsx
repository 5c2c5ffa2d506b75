// Small labels: signed/trusted state, platforms.
import { platformLabel } from '../format.js';
import type { Platform, SignatureSummary } from '../queries.js';

export function SignedBadge(props: { signed: boolean | null; signatures: SignatureSummary[] | null }) {
  if (!props.signed) return <span class="badge unsigned">unsigned</span>;
  const trusted = (props.signatures ?? []).some((s) => s.IsTrusted === true);
  const tools = [...new Set((props.signatures ?? []).map((s) => s.Tool).filter(Boolean))].join(', ');
  return (
    <span class={`badge ${trusted ? 'trusted' : 'signed'}`} title={tools ? `signed with ${tools}` : 'signed'}>
      {trusted ? 'signed, trusted' : 'signed'}
    </span>
  );
}

export function Platforms(props: { platforms: Array<Platform | null> | null | undefined }) {
  const labels = [...new Set((props.platforms ?? []).map(platformLabel).filter((l) => l !== ''))];
  if (labels.length === 0) return null;
  return (
    <ul class="platforms" aria-label="Platforms">
      {labels.map((label) => (
        <li key={label}>{label}</li>
      ))}
    </ul>
  );
}
