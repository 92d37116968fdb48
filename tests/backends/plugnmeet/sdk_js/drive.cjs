// Drives a plugNmeet server with the official JS SDK (npm plugnmeet-sdk-js) and prints what it saw as JSON.
// Run by tests/backends/plugnmeet/test_sdk_js.py against the simulator; env: PNM_URL, PNM_KEY, PNM_SECRET.
"use strict";
const { PlugNmeet } = require("plugnmeet-sdk-js");

async function main() {
  const url = process.env.PNM_URL;
  const pnm = new PlugNmeet(url, process.env.PNM_KEY, process.env.PNM_SECRET);
  const out = {};
  out.create = await pnm.createRoom({
    room_id: "sdk-room",
    max_participants: 10,
    metadata: {
      room_title: "Made by the JS SDK",
      welcome_message: "Hello from plugnmeet-sdk-js",
      room_features: { allow_webcams: true, mute_on_start: false, allow_screen_share: true },
    },
  });
  out.token = await pnm.getJoinToken({
    room_id: "sdk-room",
    user_info: { name: "Ada Lovelace", user_id: "ada-1", is_admin: true, is_hidden: false },
  });
  out.active = await pnm.isRoomActive({ room_id: "sdk-room" });
  out.info = await pnm.getActiveRoomInfo({ room_id: "sdk-room" });
  out.rooms = await pnm.getActiveRoomsInfo();
  out.past = await pnm.fetchPastRoomsInfo({ room_ids: [], from: 0, limit: 100, order_by: "DESC" });
  out.recordings = await pnm.fetchRecordings({ room_ids: [], from: 0, limit: 20, order_by: "DESC" });
  out.end = await pnm.endRoom({ room_id: "sdk-room" });
  out.after_end = await pnm.isRoomActive({ room_id: "sdk-room" });
  out.end_again = await pnm.endRoom({ room_id: "sdk-room" });
  const forged = new PlugNmeet(url, process.env.PNM_KEY, "not-the-secret-at-all");
  out.bad_signature = await forged.isRoomActive({ room_id: "sdk-room" });
  process.stdout.write(JSON.stringify(out));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error));
  process.exit(1);
});
