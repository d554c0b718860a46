// What both client drivers share: read one request as JSON on stdin ({url, token, op, args}), run the operation with
// the library, print one JSON line ({ok: true, value} or {ok: false, error}) and exit 0; a crash of the driver itself
// exits 1 with its stack on stderr.
import { createHash, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";

export async function run(operations, describeError) {
  let input = "";
  for await (const chunk of process.stdin) input += chunk;
  const request = JSON.parse(input);
  const operation = operations[request.op];
  if (!operation) throw new Error(`unknown operation ${request.op}`);
  let answer;
  try {
    answer = { ok: true, value: await operation(request) };
  } catch (error) {
    answer = { ok: false, error: describeError(error) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
}

/** A PKCE pair (RFC 7636): 32 random bytes as the verifier, its SHA-256 as the S256 challenge. */
export function pkce() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/** The image a test hands over as a path, as the File a browser or app would upload. */
export async function file(path, type) {
  return new File([await readFile(path)], path.split("/").pop(), { type });
}
