// The Mastodon API through megalodon (npm "megalodon"), as an app built on it calls it. See driver.mjs for the protocol.
import generator from "megalodon";
import { createReadStream } from "node:fs";
import { run } from "./driver.mjs";

const client = ({ url, token }) => generator("mastodon", url, token ?? null);
const data = async (call) => (await call).data;

const operations = {
  instance: (r) => data(client(r).getInstance()),
  verify: (r) => data(client(r).verifyAccountCredentials()),
  post: ({ args, ...r }) => {
    const { status, mediaIds, spoilerText, scheduledAt, ...rest } = args;
    return data(client(r).postStatus(status, { ...rest, media_ids: mediaIds, spoiler_text: spoilerText, scheduled_at: scheduledAt }));
  },
  status: (r) => data(client(r).getStatus(r.args.id)),
  reblog: (r) => data(client(r).reblogStatus(r.args.id)),
  favourite: (r) => data(client(r).favouriteStatus(r.args.id)),
  scheduled: (r) => data(client(r).getScheduledStatuses()),
  reschedule: (r) => data(client(r).scheduleStatus(r.args.id, r.args.scheduledAt)),
  cancel: (r) => data(client(r).cancelScheduledStatus(r.args.id)),
  // megalodon builds the multipart body with npm's form-data, which takes a stream (its type from the file name);
  // it answers the upload as the instance did (url null while processing) and leaves the waiting to the app.
  upload: async (r) => {
    const api = client(r);
    let media = await data(api.uploadMedia(createReadStream(r.args.path), { description: r.args.description }));
    for (let polls = 0; !media.url && polls < 30; polls++) {
      await new Promise((done) => setTimeout(done, 1000));
      media = await data(api.getMedia(media.id));
    }
    return media;
  },
  describe: (r) => data(client(r).updateMedia(r.args.id, { description: r.args.description })),
  // registerApp creates the app and builds the authorize address (megalodon sends no PKCE challenge).
  register: async ({ url, args }) => {
    const app = await client({ url }).registerApp(args.name, { redirect_uris: args.redirectUri, scopes: args.scopes.split(" ") });
    return { clientId: app.client_id, clientSecret: app.client_secret, authorizeUrl: app.url, verifier: null };
  },
  exchange: ({ url, args }) => client({ url }).fetchAccessToken(args.clientId, args.clientSecret, args.code, args.redirectUri),
  revoke: ({ url, args }) => data(client({ url }).revokeToken(args.clientId, args.clientSecret, args.token)),
};

await run(operations, (error) => error?.isAxiosError
  ? { class: error.constructor.name, status: error.response?.status ?? null, message: typeof error.response?.data?.error === "string" ? error.response.data.error : error.message, body: error.response?.data ?? null }
  : { class: error?.constructor?.name ?? typeof error, status: null, message: String(error?.message ?? error) });
