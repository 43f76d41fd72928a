// Records sigstore-js's accept/reject verdict for the reference bundles of model_signing and a tampering matrix derived from
// them: every case bundle is written to cases/<name>.sig and its verdict to verdicts.tsv. ReferenceVerdictTests replays the
// table against ModelGuard. Run install.sh first, then: NODE_PATH=<prefix>/node_modules node record.mjs
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';

const require = createRequire(process.env.NODE_PATH ? path.join(process.env.NODE_PATH, 'x.js') : import.meta.url);
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');
const { bundleFromJSON } = require('@sigstore/bundle');
const { TrustedRoot } = require('@sigstore/protobuf-specs');

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, '..', 'model-transparency');
const repo = path.join(here, '..', '..', '..', '..', '..');
const trustedRootJson = JSON.parse(fs.readFileSync(path.join(repo, 'src/ModelGuard.Engine/Integrity/Signing/sigstore-public-good-trusted_root.json'), 'utf8'));
const identity = 'stefanb@us.ibm.com';
const issuer = 'https://sigstore.verify.ibm.com/oauth2';

function verify(bundleJson, mode, policy) {
  try {
    const bundle = bundleFromJSON(bundleJson);
    const root = TrustedRoot.fromJSON(trustedRootJson);
    if (mode === 'key') {
      const keySpki = crypto.createPublicKey(fs.readFileSync(pubPath, 'utf8')).export({ type: 'spki', format: 'der' });
      const keys = { [originalKeyHint]: { rawBytes: keySpki } };
      const verifier = new Verifier(toTrustMaterial(root, keys), { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
      verifier.verify(toSignedEntity(bundle));
      return 'accept';
    }

    const verifier = new Verifier(toTrustMaterial(root));
    verifier.verify(toSignedEntity(bundle), { subjectAlternativeName: policy.identity, extensions: { issuer: policy.issuer } });
    return 'accept';
  } catch (e) {
    return 'reject\t' + String(e.code ?? e.name) + ': ' + String(e.message).replace(/\s+/g, ' ').slice(0, 160);
  }
}

const clone = (o) => JSON.parse(JSON.stringify(o));
const flipB64 = (s, at = -1) => {
  const b = Buffer.from(s, 'base64');
  const i = at < 0 ? b.length + at : Math.min(at, b.length - 1);
  b[i] ^= 0x01;
  return b.toString('base64');
};
const editB64Json = (s, edit) => {
  const o = JSON.parse(Buffer.from(s, 'base64').toString('utf8'));
  edit(o);
  return Buffer.from(JSON.stringify(o), 'utf8').toString('base64');
};
const editB64Text = (s, edit) => Buffer.from(edit(Buffer.from(s, 'base64').toString('utf8')), 'utf8').toString('base64');

// Key mode: sigstore-js verifies key-signed DSSE with SHA-256 whatever the curve, while model_signing signs P-384 keys with
// SHA-384, so the reference P-384 bundle is not comparable. This script signs a P-256 model the way model_signing does instead
// (the key pair is made once and kept: p256-key-model/ and p256-key.pub.pem are committed; delete them to make new ones).
const keyModel = path.join(here, 'p256-key-model');
const pubPath = path.join(here, 'p256-key.pub.pem');
if (!fs.existsSync(path.join(keyModel, 'model.sig'))) {
  fs.mkdirSync(path.join(keyModel, 'weights'), { recursive: true });
  fs.writeFileSync(path.join(keyModel, 'config.json'), '{"hidden_size": 8}\n');
  fs.writeFileSync(path.join(keyModel, 'weights', 'part-0.bin'), Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff)));
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = publicKey.export({ type: 'spki', format: 'pem' });
  fs.writeFileSync(pubPath, pem);
  const files = ['config.json', 'weights/part-0.bin'];
  const digests = files.map((f) => crypto.createHash('sha256').update(fs.readFileSync(path.join(keyModel, f))).digest());
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'p256-key-model', digest: { sha256: crypto.createHash('sha256').update(Buffer.concat(digests)).digest('hex') } }],
    predicateType: 'https://model_signing/signature/v1.0',
    predicate: {
      serialization: { method: 'files', hash_type: 'sha256', allow_symlinks: false, ignore_paths: ['model.sig'] },
      resources: files.map((f, i) => ({ algorithm: 'sha256', name: f, digest: digests[i].toString('hex') })),
    },
  };
  const payload = Buffer.from(JSON.stringify(statement, null, 2), 'utf8');
  const type = 'application/vnd.in-toto+json';
  const pae = Buffer.concat([Buffer.from(`DSSEv1 ${type.length} ${type} ${payload.length} `, 'utf8'), payload]);
  const sig = crypto.sign('sha256', pae, privateKey);
  const bundle = {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: { publicKey: { hint: crypto.createHash('sha256').update(pem).digest('hex') }, tlogEntries: [] },
    dsseEnvelope: { payload: payload.toString('base64'), payloadType: type, signatures: [{ sig: sig.toString('base64'), keyid: '' }] },
  };
  fs.writeFileSync(path.join(keyModel, 'model.sig'), JSON.stringify(bundle, null, 2) + '\n');
}

const keyBundle = JSON.parse(fs.readFileSync(path.join(keyModel, 'model.sig'), 'utf8'));
const originalKeyHint = keyBundle.verificationMaterial.publicKey.hint;
const storeBundle = JSON.parse(fs.readFileSync(path.join(fixtures, 'v1.1.0-sigstore/model.sig'), 'utf8'));
const storeBundle100 = JSON.parse(fs.readFileSync(path.join(fixtures, 'v1.0.0-sigstore/model.sig'), 'utf8'));

const envelopeCases = {
  'payload-byte': (b) => { b.dsseEnvelope.payload = flipB64(b.dsseEnvelope.payload, 40); },
  'payload-resource-digest': (b) => { b.dsseEnvelope.payload = editB64Text(b.dsseEnvelope.payload, (t) => t.replace(/("digest": ?")([0-9a-f])/, (m, p, c) => p + (c === '0' ? '1' : '0'))); },
  'payload-type': (b) => { b.dsseEnvelope.payloadType = 'application/json'; },
  'signature-last-byte': (b) => { b.dsseEnvelope.signatures[0].sig = flipB64(b.dsseEnvelope.signatures[0].sig); },
  'signature-r-byte': (b) => { b.dsseEnvelope.signatures[0].sig = flipB64(b.dsseEnvelope.signatures[0].sig, 8); },
  'signature-missing': (b) => { b.dsseEnvelope.signatures = []; },
  'signature-twice': (b) => { b.dsseEnvelope.signatures.push(clone(b.dsseEnvelope.signatures[0])); },
  'media-type-unknown': (b) => { b.mediaType = 'application/vnd.dev.sigstore.bundle.v0.9+json'; },
  'envelope-missing': (b) => { delete b.dsseEnvelope; },
};

const keyCases = {
  original: () => {},
  ...envelopeCases,
  'key-hint-other': (b) => { b.verificationMaterial.publicKey.hint = 'ab' + b.verificationMaterial.publicKey.hint.slice(2); },
};

const cert = (b) => b.verificationMaterial.certificate;
const tlog = (b) => b.verificationMaterial.tlogEntries[0];
const proof = (b) => tlog(b).inclusionProof;
const storeCases = {
  original: () => {},
  ...envelopeCases,
  'certificate-signature-byte': (b) => { cert(b).rawBytes = flipB64(cert(b).rawBytes); },
  'certificate-tbs-byte': (b) => { cert(b).rawBytes = flipB64(cert(b).rawBytes, 300); },
  'certificate-missing': (b) => { delete b.verificationMaterial.certificate; },
  'certificate-is-fulcio-intermediate': (b) => { cert(b).rawBytes = trustedRootJson.certificateAuthorities[1].certChain.certificates[0].rawBytes; },
  'tlog-missing': (b) => { b.verificationMaterial.tlogEntries = []; },
  'tlog-log-index': (b) => { tlog(b).logIndex = String(Number(tlog(b).logIndex) + 1); },
  'tlog-log-id': (b) => { tlog(b).logId.keyId = flipB64(tlog(b).logId.keyId); },
  'tlog-integrated-time': (b) => { tlog(b).integratedTime = String(Number(tlog(b).integratedTime) + 1); },
  'tlog-integrated-time-after-certificate': (b) => { tlog(b).integratedTime = String(Number(tlog(b).integratedTime) + 3600); },
  'tlog-kind': (b) => { tlog(b).kindVersion.kind = 'intoto'; },
  'tlog-set-byte': (b) => { tlog(b).inclusionPromise.signedEntryTimestamp = flipB64(tlog(b).inclusionPromise.signedEntryTimestamp); },
  'tlog-set-missing': (b) => { delete tlog(b).inclusionPromise; },
  'tlog-body-byte': (b) => { tlog(b).canonicalizedBody = flipB64(tlog(b).canonicalizedBody, 100); },
  'tlog-body-payload-hash': (b) => { tlog(b).canonicalizedBody = editB64Json(tlog(b).canonicalizedBody, (o) => { o.spec.payloadHash.value = '0'.repeat(64); }); },
  'tlog-body-signature': (b) => { tlog(b).canonicalizedBody = editB64Json(tlog(b).canonicalizedBody, (o) => { o.spec.signatures[0].signature = flipB64(o.spec.signatures[0].signature); }); },
  'proof-missing': (b) => { delete tlog(b).inclusionProof; },
  'proof-log-index': (b) => { proof(b).logIndex = String(Number(proof(b).logIndex) + 1); },
  'proof-root-hash': (b) => { proof(b).rootHash = flipB64(proof(b).rootHash); },
  'proof-tree-size': (b) => { proof(b).treeSize = String(Number(proof(b).treeSize) + 1); },
  'proof-hash-byte': (b) => { proof(b).hashes[3] = flipB64(proof(b).hashes[3]); },
  'proof-hash-dropped': (b) => { proof(b).hashes.pop(); },
  'proof-hash-extra': (b) => { proof(b).hashes.push(proof(b).hashes[0]); },
  'checkpoint-missing': (b) => { delete proof(b).checkpoint; },
  'checkpoint-size-line': (b) => { proof(b).checkpoint.envelope = proof(b).checkpoint.envelope.replace(/\n(\d+)\n/, (m, n) => `\n${Number(n) + 1}\n`); },
  'checkpoint-signature-byte': (b) => { proof(b).checkpoint.envelope = proof(b).checkpoint.envelope.replace(/ (\S+)\n$/, (m, s) => ` ${flipB64(s)}\n`); },
  'timestamp-rfc3161-missing': (b) => { delete b.verificationMaterial.timestampVerificationData; },
  'timestamp-rfc3161-byte': (b) => {
    const t = b.verificationMaterial.timestampVerificationData?.rfc3161Timestamps?.[0];
    if (t) t.signedTimestamp = flipB64(t.signedTimestamp);
  },
};

const rows = [];
const casesDir = path.join(here, 'cases');
fs.rmSync(casesDir, { recursive: true, force: true });
fs.mkdirSync(casesDir);
function record(name, base, mode, bundle, policy) {
  fs.writeFileSync(path.join(casesDir, name + '.sig'), JSON.stringify(bundle, null, 2) + '\n');
  const verdict = verify(bundle, mode, policy);
  rows.push([name, base, mode, policy?.identity ?? '', policy?.issuer ?? '', verdict].join('\t'));
}

for (const [name, edit] of Object.entries(keyCases)) {
  const b = clone(keyBundle);
  edit(b);
  record('key-' + name, 'p256-key-model', 'key', b);
}

for (const [source, base] of [[storeBundle, 'v1.1.0-sigstore'], [storeBundle100, 'v1.0.0-sigstore']]) {
  const prefix = base.startsWith('v1.0.0') ? 'sigstore100-' : 'sigstore-';
  for (const [name, edit] of Object.entries(storeCases)) {
    if (prefix === 'sigstore100-' && name !== 'original' && !name.startsWith('tlog') && !name.startsWith('proof')) {
      continue;
    }

    const b = clone(source);
    edit(b);
    record(prefix + name, base, 'sigstore', b, { identity, issuer });
  }

  record(prefix + 'policy-other-identity', base, 'sigstore', clone(source), { identity: 'someone@example.com', issuer });
  record(prefix + 'policy-other-issuer', base, 'sigstore', clone(source), { identity, issuer: 'https://accounts.google.com' });
}

const header = '# Recorded by record.mjs with @sigstore/verify 4.1.3 (Node ' + process.version + '). case\tbase folder\tmode\tidentity\tissuer\tverdict\treason';
fs.writeFileSync(path.join(here, 'verdicts.tsv'), header + '\n' + rows.join('\n') + '\n');
console.log(rows.join('\n'));
