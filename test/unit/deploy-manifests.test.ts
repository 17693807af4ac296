import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadEnv, parseConfig } from '../../src/config';

/**
 * deploy/kubernetes: parsed with `yaml` and checked for every field relbot relies on. There is no
 * cluster here; `kubectl kustomize` renders the directory when kubectl is installed.
 */

const DIR = 'deploy/kubernetes';
// biome-ignore lint/suspicious/noExplicitAny: parsed manifests; the assertions below check every field read
type Obj = Record<string, any>;

function docs(file: string): Obj[] {
  const all = parseAllDocuments(readFileSync(join(DIR, file), 'utf8'));
  for (const d of all) {
    if (d.errors.length) throw new Error(`${file}: ${d.errors.map((e) => e.message).join('; ')}`);
  }
  return all.map((d) => d.toJS() as Obj).filter((d) => d);
}

const yamlFiles = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));
const kustomization = docs('kustomization.yaml')[0]!;
const resources = (kustomization.resources as string[]).flatMap(docs);
const byKind = (kind: string) => {
  const found = resources.filter((r) => r.kind === kind);
  expect(found).toHaveLength(1);
  return found[0]!;
};
const deployment = () => byKind('Deployment');
const pod = () => deployment().spec.template.spec as Obj;
const container = () => {
  const containers = pod().containers as Obj[];
  expect(containers).toHaveLength(1);
  return containers[0]!;
};
const envOf = (name: string) => (container().env as Obj[]).find((e) => e.name === name)?.value as string;
const secret = () => docs('secret.example.yaml')[0]!;

/** Kubernetes memory quantity -> bytes (Mi/Gi/M/G). */
function bytes(q: string): number {
  const m = /^(\d+)(Mi|Gi|M|G)?$/.exec(q);
  if (!m) throw new Error(`unexpected quantity ${q}`);
  const unit = { Mi: 2 ** 20, Gi: 2 ** 30, M: 1e6, G: 1e9 }[m[2] ?? ''] ?? 1;
  return Number(m[1]) * unit;
}

describe('deploy/kubernetes', () => {
  it('every file parses as YAML with apiVersion/kind/name', () => {
    expect(yamlFiles.length).toBeGreaterThanOrEqual(7);
    for (const f of yamlFiles) {
      if (f === 'relbot.yaml') continue; // the ConfigMap's content, checked below
      for (const d of docs(f)) {
        expect(d.apiVersion).toEqual(expect.any(String));
        expect(d.kind).toEqual(expect.any(String));
        if (f !== 'kustomization.yaml') expect(d.metadata?.name).toEqual(expect.any(String));
      }
    }
  });

  it('the kustomization lists every file except the examples, and every listed file exists', () => {
    const listed = [
      ...(kustomization.resources as string[]),
      ...(kustomization.configMapGenerator as Obj[]).flatMap((g) => g.files as string[]),
    ];
    const expected = yamlFiles.filter((f) => f !== 'kustomization.yaml' && !f.endsWith('.example.yaml'));
    expect([...listed].sort()).toEqual([...expected].sort());
    expect(resources.map((r) => r.kind).sort()).toEqual([
      'Deployment',
      'Namespace',
      'PersistentVolumeClaim',
      'Service',
    ]);
    // The Secret is applied by hand, so `kubectl apply -k` never resets real tokens to the example's.
    expect(kustomization.resources).not.toContain('secret.example.yaml');
    expect(kustomization.namespace).toBe(byKind('Namespace').metadata.name);
  });

  it('runs exactly one replica with the Recreate strategy, selected by its own labels', () => {
    const d = deployment();
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    const labels = d.spec.template.metadata.labels as Obj;
    for (const [k, v] of Object.entries(d.spec.selector.matchLabels as Obj)) expect(labels[k]).toBe(v);
    for (const [k, v] of Object.entries(byKind('Service').spec.selector as Obj)) expect(labels[k]).toBe(v);
  });

  it('probes GET /healthz on port 3000, the port relbot listens on', () => {
    const c = container();
    expect(c.ports).toEqual([{ name: 'http', containerPort: 3000, protocol: 'TCP' }]);
    expect(envOf('PORT')).toBe('3000');
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      expect(c[probe].httpGet).toEqual({ path: '/healthz', port: 3000 });
    }
  });

  it('mounts the PersistentVolumeClaim writable at /data, where RELBOT_DB lives', () => {
    const pvc = byKind('PersistentVolumeClaim');
    expect(pvc.spec.accessModes).toEqual(['ReadWriteOnce']);
    const vol = (pod().volumes as Obj[]).find((v) => v.persistentVolumeClaim);
    expect(vol?.persistentVolumeClaim.claimName).toBe(pvc.metadata.name);
    const mount = (container().volumeMounts as Obj[]).find((m) => m.name === vol!.name);
    expect(mount).toEqual({ name: vol!.name, mountPath: '/data' });
    expect(posix.dirname(envOf('RELBOT_DB'))).toBe('/data');
  });

  it('mounts relbot.yaml from the generated ConfigMap at /config/relbot.yaml, and it is valid config', () => {
    const generator = (kustomization.configMapGenerator as Obj[])[0]!;
    expect(generator.files).toEqual(['relbot.yaml']);
    const vol = (pod().volumes as Obj[]).find((v) => v.configMap);
    expect(vol?.configMap.name).toBe(generator.name);
    const item = (vol!.configMap.items as Obj[]).find((i) => i.key === 'relbot.yaml');
    const mount = (container().volumeMounts as Obj[]).find((m) => m.name === vol!.name);
    expect(mount?.readOnly).toBe(true);
    const path = posix.join(mount!.mountPath, item!.path);
    expect(path).toBe('/config/relbot.yaml');
    expect(envOf('RELBOT_CONFIG')).toBe(path);

    const text = readFileSync(join(DIR, 'relbot.yaml'), 'utf8');
    const config = parseConfig(text, `${DIR}/relbot.yaml`);
    expect(config.channels.default).toBe('CJH2GBF7Y');
    expect(config.backup.keep).toBeGreaterThan(0);
    // The deployed file is relbot.example.yaml; copy it again when the example changes.
    expect(text).toBe(readFileSync('relbot.example.yaml', 'utf8'));
  });

  it('the paths agree with the image (Dockerfile ENV)', () => {
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    for (const name of ['RELBOT_DB', 'RELBOT_CONFIG', 'PORT']) {
      const m = new RegExp(`${name}=(\\S+)`).exec(dockerfile);
      expect(m?.[1]).toBe(envOf(name));
    }
    expect(dockerfile).toMatch(/^USER node$/m);
  });

  it('the Secret example has exactly the credential variables loadEnv reads, all empty', () => {
    // Record every variable loadEnv reads.
    const read = new Set<string>();
    loadEnv(
      new Proxy({} as NodeJS.ProcessEnv, {
        get: (_t, key) => {
          if (typeof key === 'string') read.add(key);
          return undefined;
        },
      }),
    );
    const notSecret = [
      'SLACK_API_URL',
      'GITHUB_API_URL',
      'PORT',
      'RELBOT_DB',
      'RELBOT_CONFIG',
      'RELBOT_DRY_RUN',
      'RELBOT_REQUIRE_CREDENTIALS',
    ];
    const credentials = [...read].filter((k) => !notSecret.includes(k)).sort();
    expect(credentials).toEqual(
      expect.arrayContaining(['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'GITHUB_TOKEN']),
    );
    const s = secret();
    expect(s.kind).toBe('Secret');
    expect(Object.keys(s.stringData).sort()).toEqual(credentials);
    for (const v of Object.values(s.stringData)) expect(v).toBe('');
    // Applied unfilled, it configures nothing (empty = unset) rather than half a GitHub App.
    const env = loadEnv(s.stringData as NodeJS.ProcessEnv);
    expect(env.slackBotToken).toBeUndefined();
    expect(env.githubApp).toBeUndefined();
    const refs = (container().envFrom as Obj[]).map((e) => e.secretRef?.name);
    expect(refs).toEqual([s.metadata.name]);
  });

  it('runs non-root with a read-only root file system, no privilege escalation, no capabilities', () => {
    const p = pod().securityContext as Obj;
    const c = container().securityContext as Obj;
    const effective = { ...p, ...c };
    expect(effective.runAsNonRoot).toBe(true);
    expect(effective.runAsUser).toBe(1000);
    expect(p.fsGroup).toBe(1000);
    expect(c.readOnlyRootFilesystem).toBe(true);
    expect(c.allowPrivilegeEscalation).toBe(false);
    expect(c.capabilities).toEqual({ drop: ['ALL'] });
    expect(effective.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(pod().automountServiceAccountToken).toBe(false);
    // With a read-only root, /tmp is an emptyDir; /data (above) is the only other writable path.
    const tmp = (pod().volumes as Obj[]).find((v) => v.emptyDir);
    expect((container().volumeMounts as Obj[]).find((m) => m.name === tmp?.name)?.mountPath).toBe('/tmp');
    expect(byKind('Namespace').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('asks Prometheus to scrape /metrics on port 3000', () => {
    expect(deployment().spec.template.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '3000',
      'prometheus.io/path': '/metrics',
    });
  });

  it('sizes memory from the ~100 MB idle RSS: request above it, limit well above', () => {
    const r = container().resources as Obj;
    expect(bytes(r.requests.memory)).toBeGreaterThanOrEqual(128 * 2 ** 20);
    expect(bytes(r.limits.memory)).toBeGreaterThanOrEqual(2 * bytes(r.requests.memory));
    expect(bytes(r.limits.memory)).toBeLessThanOrEqual(2 ** 30);
    expect(r.requests.cpu).toEqual(expect.any(String));
  });

  it('names one image, set by the kustomization at the package version', () => {
    const image = container().image;
    const entry = (kustomization.images as Obj[]).find((i) => i.name === image);
    expect(entry).toBeDefined();
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(entry!.newTag).toBe(pkg.version);
  });

  it('exposes port 3000 as a Service; the Ingress example routes only /slack/events to it', () => {
    const svc = byKind('Service');
    expect(svc.spec.ports).toEqual([{ name: 'http', port: 3000, targetPort: 'http', protocol: 'TCP' }]);
    const ing = docs('ingress.example.yaml')[0]!;
    const paths = (ing.spec.rules as Obj[]).flatMap((r) => r.http.paths as Obj[]);
    expect(paths.map((p) => [p.path, p.pathType])).toEqual([['/slack/events', 'Exact']]);
    for (const p of paths)
      expect(p.backend.service).toEqual({ name: svc.metadata.name, port: { name: 'http' } });
  });

  it('the restore pod example mounts the same claim at /data and meets the same security rules', () => {
    const restore = docs('restore-pod.example.yaml')[0]!;
    expect(restore.kind).toBe('Pod');
    const vol = (restore.spec.volumes as Obj[]).find((v) => v.persistentVolumeClaim);
    expect(vol?.persistentVolumeClaim.claimName).toBe(byKind('PersistentVolumeClaim').metadata.name);
    const c = (restore.spec.containers as Obj[])[0]!;
    expect((c.volumeMounts as Obj[]).find((m) => m.name === vol!.name)?.mountPath).toBe('/data');
    const effective = { ...restore.spec.securityContext, ...c.securityContext };
    expect(effective).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  const kubectl = (() => {
    try {
      execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  (kubectl ? it : it.skip)('renders with kubectl kustomize (when kubectl is installed)', () => {
    const out = execFileSync('kubectl', ['kustomize', DIR], { encoding: 'utf8' });
    const rendered = parseAllDocuments(out).map((d) => d.toJS() as Obj);
    const cm = rendered.find((r) => r.kind === 'ConfigMap')!;
    expect(cm.metadata.name).toMatch(/^relbot-config-[a-z0-9]+$/);
    expect(cm.data['relbot.yaml']).toBe(readFileSync(join(DIR, 'relbot.yaml'), 'utf8'));
    const d = rendered.find((r) => r.kind === 'Deployment')!;
    expect(d.metadata.namespace).toBe('relbot');
    expect(d.spec.template.spec.volumes.find((v: Obj) => v.configMap).configMap.name).toBe(cm.metadata.name);
    expect(d.spec.template.spec.containers[0].image).toBe('registry.example.org/relbot:0.1.0');
  });
});
