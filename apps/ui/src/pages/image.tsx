// One tag of a repository: its platforms (one manifest each), and for the chosen one the layers with sizes and
// history, the raw manifest and config, referrers (SBOMs, attestations, signatures) with trust results and
// signers, and the images derived from it or that it is based on.
import { useState } from 'preact/hooks';
import { Platforms, SignedBadge } from '../components/badges.js';
import { PullCommands } from '../components/copy-button.js';
import { ErrorView, Loading } from '../components/error-view.js';
import { Layout } from '../components/layout.js';
import { useLoad } from '../components/use-load.js';
import { exactTime, formatSize, platformLabel, shortDigest, timeAgo } from '../format.js';
import {
  type ImageSummary,
  imageDetails,
  type ManifestSummary,
  type Referrer,
  rawManifestAndConfig,
} from '../queries.js';
import { imagePath, navigate, repoPath } from '../router.js';

export function ImagePage(props: { repo: string; tag: string; digest: string | undefined }) {
  const [loaded, retry] = useLoad(
    () => imageDetails(props.repo, props.tag, props.digest),
    [props.repo, props.tag, props.digest],
  );
  return (
    <Layout title={`${props.repo}:${props.tag}`}>
      <nav aria-label="Breadcrumb" class="crumbs">
        <a href="/home">Repositories</a> / <a href={repoPath(props.repo)}>{props.repo}</a> /{' '}
        <span aria-current="page">{props.tag}</span>
      </nav>
      {loaded.state === 'loading' && <Loading what="the image" />}
      {loaded.state === 'error' && <ErrorView error={loaded.error} retry={retry} />}
      {loaded.state === 'ready' && <ImageView {...props} {...loaded.data} />}
    </Layout>
  );
}

function ImageView(props: {
  repo: string;
  tag: string;
  digest: string | undefined;
  image: ImageSummary;
  derived: ImageSummary[];
  base: ImageSummary[];
}) {
  const { image } = props;
  const manifests = image.Manifests ?? [];
  const chosen = manifests.find((m) => m.Digest === props.digest) ?? manifests[0];
  return (
    <>
      <h1>
        {props.repo}:{props.tag}
      </h1>
      {image.Description && <p class="description">{image.Description}</p>}
      <dl class="facts">
        <div>
          <dt>Digest</dt>
          <dd>
            <code>{image.Digest}</code>
          </dd>
        </div>
        <div>
          <dt>Media type</dt>
          <dd>{image.MediaType}</dd>
        </div>
        <div>
          <dt>Size</dt>
          <dd>{formatSize(image.Size)}</dd>
        </div>
        <div>
          <dt>Pushed</dt>
          <dd title={exactTime(image.PushTimestamp)}>
            {timeAgo(image.PushTimestamp)}
            {image.PushedBy ? ` by ${image.PushedBy}` : ''}
          </dd>
        </div>
        <div>
          <dt>Last pulled</dt>
          <dd title={exactTime(image.LastPullTimestamp)}>{timeAgo(image.LastPullTimestamp)}</dd>
        </div>
        <div>
          <dt>Downloads</dt>
          <dd>{image.DownloadCount ?? 0}</dd>
        </div>
      </dl>
      <SignedBadge signed={image.IsSigned} signatures={image.SignatureInfo} />
      <section aria-labelledby="pull">
        <h2 id="pull">Pull</h2>
        <PullCommands reference={`${props.repo}:${props.tag}`} />
      </section>
      {manifests.length > 1 && (
        <section aria-labelledby="platforms">
          <h2 id="platforms">Platforms</h2>
          <label>
            Show the manifest for
            <select
              value={chosen?.Digest ?? ''}
              onChange={(e) =>
                navigate(imagePath(props.repo, props.tag, (e.target as HTMLSelectElement).value), {
                  replace: true,
                })
              }
            >
              {manifests.map((m) => (
                <option key={m.Digest} value={m.Digest ?? ''}>
                  {platformLabel(m.Platform) || shortDigest(m.Digest)}
                </option>
              ))}
            </select>
          </label>
        </section>
      )}
      {chosen && <ManifestView repo={props.repo} manifest={chosen} />}
      <Signatures image={image} manifest={chosen} />
      <Referrers referrers={[...(image.Referrers ?? []), ...(chosen?.Referrers ?? [])]} />
      <Related
        title="Based on"
        id="base"
        images={props.base}
        empty="No image in this registry is a base of this one."
      />
      <Related
        title="Derived images"
        id="derived"
        images={props.derived}
        empty="No image in this registry is built on this one."
      />
    </>
  );
}

function ManifestView(props: { repo: string; manifest: ManifestSummary }) {
  const { manifest } = props;
  const history = manifest.History ?? [];
  return (
    <section aria-labelledby="manifest">
      <h2 id="manifest">
        Manifest {platformLabel(manifest.Platform) && `(${platformLabel(manifest.Platform)})`}
      </h2>
      <dl class="facts">
        <div>
          <dt>Manifest digest</dt>
          <dd>
            <code>{manifest.Digest}</code>
          </dd>
        </div>
        <div>
          <dt>Config digest</dt>
          <dd>
            <code>{manifest.ConfigDigest}</code>
          </dd>
        </div>
        <div>
          <dt>Size</dt>
          <dd>{formatSize(manifest.Size)}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd title={exactTime(manifest.LastUpdated)}>{timeAgo(manifest.LastUpdated)}</dd>
        </div>
      </dl>
      <Platforms platforms={[manifest.Platform]} />
      <h3>Layers ({(manifest.Layers ?? []).length})</h3>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Size</th>
              <th scope="col">Digest</th>
              <th scope="col">Created by</th>
            </tr>
          </thead>
          <tbody>
            {(history.length > 0
              ? history
              : (manifest.Layers ?? []).map((Layer) => ({ Layer, HistoryDescription: null }))
            ).map((step, index) => (
              <tr key={`${index}-${step.Layer?.Digest ?? 'empty'}`} data-testid="layer-row">
                <td>{index + 1}</td>
                <td>{step.Layer ? formatSize(step.Layer.Size) : '—'}</td>
                <td>
                  <code title={step.Layer?.Digest ?? ''}>
                    {step.Layer ? shortDigest(step.Layer.Digest) : 'empty layer'}
                  </code>
                </td>
                <td class="created-by">
                  {step.HistoryDescription?.CreatedBy ?? step.HistoryDescription?.Comment ?? ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <RawJson repo={props.repo} digest={manifest.Digest ?? ''} configDigest={manifest.ConfigDigest} />
    </section>
  );
}

/** The manifest and config as stored, fetched when the reader opens the section. */
function RawJson(props: { repo: string; digest: string; configDigest: string | null }) {
  const [raw, setRaw] = useState<{ manifest: string; config: string | undefined } | string | undefined>();
  function onToggle(event: Event) {
    if (!(event.target as HTMLDetailsElement).open || raw !== undefined) return;
    rawManifestAndConfig(props.repo, props.digest, props.configDigest).then(setRaw, (error: unknown) =>
      setRaw(`could not load: ${error instanceof Error ? error.message : String(error)}`),
    );
  }
  const pretty = (text: string) => {
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      return text;
    }
  };
  return (
    <details onToggle={onToggle}>
      <summary>Manifest and config JSON</summary>
      {raw === undefined && <p>Loading…</p>}
      {typeof raw === 'string' && <p role="alert">{raw}</p>}
      {typeof raw === 'object' && (
        <>
          <h4>Manifest</h4>
          <pre data-testid="raw-manifest">{pretty(raw.manifest)}</pre>
          {raw.config !== undefined && (
            <>
              <h4>Config</h4>
              <pre data-testid="raw-config">{pretty(raw.config)}</pre>
            </>
          )}
        </>
      )}
    </details>
  );
}

function Signatures(props: { image: ImageSummary; manifest: ManifestSummary | undefined }) {
  const signatures = [...(props.image.SignatureInfo ?? []), ...(props.manifest?.SignatureInfo ?? [])];
  const unique = [...new Map(signatures.map((s) => [`${s.Tool}|${s.Author}|${s.IsTrusted}`, s])).values()];
  return (
    <section aria-labelledby="signatures">
      <h2 id="signatures">Signatures</h2>
      {unique.length === 0 ? (
        <p>Not signed.</p>
      ) : (
        <ul class="list">
          {unique.map((s) => (
            <li key={`${s.Tool}|${s.Author}|${s.IsTrusted}`} data-testid="signature">
              <strong>{s.Tool}</strong>: {s.IsTrusted ? 'trusted' : 'not verified'}
              {s.Author ? `, signed by ${s.Author}` : ''}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Referrers(props: { referrers: Referrer[] }) {
  const unique = [...new Map(props.referrers.map((r) => [r.Digest, r])).values()];
  return (
    <section aria-labelledby="referrers">
      <h2 id="referrers">Referrers</h2>
      {unique.length === 0 ? (
        <p>No SBOM, attestation or signature refers to this image.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Artifact type</th>
                <th scope="col">Digest</th>
                <th scope="col">Size</th>
                <th scope="col">Annotations</th>
              </tr>
            </thead>
            <tbody>
              {unique.map((r) => (
                <tr key={r.Digest} data-testid="referrer-row">
                  <td>{r.ArtifactType || r.MediaType}</td>
                  <td>
                    <code title={r.Digest ?? ''}>{shortDigest(r.Digest)}</code>
                  </td>
                  <td>{formatSize(r.Size)}</td>
                  <td>
                    {r.Annotations.map((a) => (
                      <div key={a.Key}>
                        {a.Key}: {a.Value}
                      </div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Related(props: { title: string; id: string; images: ImageSummary[]; empty: string }) {
  return (
    <section aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      {props.images.length === 0 ? (
        <p>{props.empty}</p>
      ) : (
        <ul class="list">
          {props.images.map((i) => (
            <li key={`${i.RepoName}:${i.Tag}`}>
              <a href={imagePath(i.RepoName ?? '', i.Tag ?? '')}>
                {i.RepoName}:{i.Tag}
              </a>{' '}
              <span class="muted">{timeAgo(i.LastUpdated)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
