// A command with a button that copies it. navigator.clipboard needs a secure context (https or localhost); on
// plain http elsewhere the text is selected instead so the user can copy it with the keyboard.
import { useRef, useState } from 'preact/hooks';

export function CopyCommand(props: { label: string; command: string }) {
  const [copied, setCopied] = useState<'idle' | 'copied' | 'selected'>('idle');
  const code = useRef<HTMLElement>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(props.command);
      setCopied('copied');
    } catch {
      const range = document.createRange();
      if (code.current) range.selectNodeContents(code.current);
      const selection = getSelection();
      selection?.removeAllRanges();
      selection?.addRange(range);
      setCopied('selected');
    }
    setTimeout(() => setCopied('idle'), 2000);
  }
  return (
    <div class="command">
      <span class="command-label">{props.label}</span>
      <code ref={code}>{props.command}</code>
      <button type="button" onClick={copy} aria-label={`Copy the ${props.label} command`}>
        {copied === 'copied' ? 'Copied' : copied === 'selected' ? 'Press Ctrl+C' : 'Copy'}
      </button>
    </div>
  );
}

/** Pull commands for `reference` (repo:tag or repo@digest) on this registry's host. */
export function PullCommands(props: { reference: string }) {
  const host = location.host;
  const insecure = location.protocol === 'http:';
  const image = `${host}/${props.reference}`;
  return (
    <div class="commands">
      <CopyCommand label="docker" command={`docker pull ${image}`} />
      <CopyCommand label="podman" command={`podman pull ${insecure ? '--tls-verify=false ' : ''}${image}`} />
      <CopyCommand
        label="skopeo"
        command={`skopeo copy ${insecure ? '--src-tls-verify=false ' : ''}docker://${image} oci:./image`}
      />
    </div>
  );
}
