// A file the site published (book/_ext/tinytorch_book/files.py: trained weights),
// fetched and checked before a page uses a byte of it: the file must be one
// manifest.json lists, from the build that wrote manifest.json, and its bytes must
// have the size and SHA-256 (the browser's SubtleCrypto) the manifest records.
//
// Every page that reads a published file goes through fetchPublished: the digit
// readers today, a GPT reader tomorrow. Anything wrong is a PublishedFileError whose
// message the page shows as it is: what is wrong with which file, and what to do.

const AGAIN = "Reload the page; if this persists, rebuild the site (make site).";

export class PublishedFileError extends Error {
  // `kind`: "missing", "damaged", "not-this-build" or "unchecked".
  constructor(kind, message) {
    super(message);
    this.name = "PublishedFileError";
    this.kind = kind;
  }
}

const hex = (buffer) =>
  Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
const short = (fingerprint) => String(fingerprint).slice(0, 12);

async function fetched(url, what) {
  let response;
  try {
    response = await fetch(url, { cache: "no-cache" });
  } catch (error) {
    throw new PublishedFileError("missing", `${what} could not be downloaded ` +
                                 `(${error.message}). ${AGAIN}`);
  }
  if (!response.ok) {
    throw new PublishedFileError("missing", `${what} is missing from this site ` +
                                 `(HTTP ${response.status}). ${AGAIN}`);
  }
  return response;
}

async function readManifest(url) {
  const response = await fetched(url, "The site's manifest.json, which vouches for " +
                                       "its files,");
  try {
    return await response.json();
  } catch {
    throw new PublishedFileError("damaged", `The site's manifest.json is damaged (not ` +
                                 `JSON), so no file can be checked. ${AGAIN}`);
  }
}

// The manifest's record of `name`: {bytes, sha256, fingerprint}.
function recordOf(manifest, name) {
  for (const page of Object.values(manifest.pages ?? {})) {
    const record = page?.files?.[name];
    if (record) return record;
  }
  throw new PublishedFileError("not-this-build", `${name} is not this build's: ` +
                               `manifest.json lists no such file. ${AGAIN}`);
}

// The bytes of the published file at `fileUrl`, checked against the manifest at
// `manifestUrl`: {bytes (an ArrayBuffer), name, record, manifest}.
export async function fetchPublished(fileUrl, manifestUrl) {
  const url = new URL(fileUrl, document.baseURI);
  const name = decodeURIComponent(url.pathname.split("/").pop());
  const [manifest, response] = await Promise.all([
    readManifest(new URL(manifestUrl, document.baseURI)),
    fetched(url, `The file ${name}`),
  ]);
  const record = recordOf(manifest, name);
  if (record.fingerprint !== manifest.fingerprint) {
    throw new PublishedFileError("not-this-build", `${name} is not this build's: ` +
      `manifest.json records it from sources ${short(record.fingerprint)}, the site ` +
      `was built from ${short(manifest.fingerprint)}. ${AGAIN}`);
  }
  const bytes = await response.arrayBuffer();
  if (bytes.byteLength !== record.bytes) {
    throw new PublishedFileError("damaged", `${name} is damaged or not this build's: ` +
      `it has ${bytes.byteLength.toLocaleString("en-US")} bytes where manifest.json ` +
      `records ${record.bytes.toLocaleString("en-US")}. ${AGAIN}`);
  }
  if (!globalThis.crypto?.subtle) {
    throw new PublishedFileError("unchecked", `${name} was not used: it cannot be ` +
      `checked here, because browsers compute SHA-256 only for pages served over ` +
      `https:// or from this computer (localhost). Open the site that way.`);
  }
  const sha256 = hex(await crypto.subtle.digest("SHA-256", bytes));
  if (sha256 !== record.sha256) {
    throw new PublishedFileError("damaged", `${name} is damaged or not this build's: ` +
      `its SHA-256 is not the one manifest.json records. ${AGAIN}`);
  }
  return { bytes, name, record, manifest };
}
