// Reads a podcast feed on stdin with podcast-partytime, the parser of
// Podcast Index apps, and prints what it understood as JSON on stdout.
// podpipe's Go tests (feed/clients_test.go) run it.
"use strict";
const { parseFeed } = require("podcast-partytime");

let xml = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (xml += chunk));
process.stdin.on("end", () => {
  const feed = parseFeed(xml, { allowMissingGuid: false });
  if (!feed) {
    process.stderr.write("partytime: the feed did not parse\n");
    process.exit(1);
  }
  process.stdout.write(JSON.stringify(feed));
});
