// A Messenger photo is evidence, fetched at once: Meta's links are CDN links that expire. The photo, served here by a
// local server standing in for Meta's CDN, is attached to the tip the message makes, and the evidence worker keeps
// its bytes (hash, size, type) and records them on the tip.
import { createHash } from "node:crypto"
import { createServer } from "node:http"
import { describe, expect, it } from "@effect/vitest"
import {
  Actor,
  Binding,
  Channels,
  Evidence,
  type InboundMessage,
  Inbox,
  Intake,
  MediaStore,
  Tips,
  UnitDirectory,
  Webhook
} from "@tinbao/core"
import { FakePlatform, NinhBinh } from "@tinbao/testkit"
import { Effect, Layer, TestClock } from "effect"
import { channelA, makeAdapters, signed } from "./inboundCases.js"
import { pageA } from "./inboundFixtures.js"

// The eight bytes that open every PNG file, and a little more: the worker reads the type from the bytes.
const photo = Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.from("0000000d49484452", "hex")])

const layer = Layer.mergeAll(
  Intake.layerMemory(),
  Inbox.layerMemory,
  MediaStore.layerMemory,
  Layer.effect(
    Channels.Channels,
    Effect.flatMap(makeAdapters(), (adapters) => Channels.make(adapters.all))
  )
)

const leader = Actor.make("lanh-dao-tinh", NinhBinh.unitIds.province, ["officer", "leader"])

describe("Facebook evidence", () => {
  it.scoped("keeps a Messenger photo at once and records it on the tip", () =>
    Effect.gen(function* () {
      const cdn = yield* FakePlatform.listen(
        createServer((_, response) => {
          response.writeHead(200, { "content-type": "image/jpeg" })
          response.end(photo)
        })
      )
      yield* TestClock.setTime(1735718400123 + 60_000)
      yield* Effect.flatMap(UnitDirectory.UnitDirectory, (d) => d.record(NinhBinh.allChanges))
      yield* (yield* Binding.Bindings).bind(
        Binding.Binding.make({ channel: channelA, unit: NinhBinh.unitIds.vanGiang })
      )
      const intake = yield* Intake.Intake
      const webhook = yield* Webhook.make({
        worker: false,
        process: (messages: ReadonlyArray<InboundMessage.InboundMessage>) =>
          Effect.forEach(messages, (m) => intake.handle(m, "facebook"), { discard: true })
      })
      const url = `${cdn}/v/t1.15752-9/hien-truong.jpg?oh=00_SIGNED&oe=67A1B2C3`
      const body = {
        object: "page",
        entry: [
          {
            id: pageA,
            time: 1735718400500,
            messaging: [
              {
                sender: { id: "67123456789" },
                recipient: { id: pageA },
                timestamp: 1735718400123,
                message: {
                  mid: "m_Photo0001",
                  text: "Ảnh xe máy bị trộm",
                  attachments: [{ type: "image", payload: { url } }]
                }
              }
            ]
          }
        ]
      }
      expect((yield* webhook.accept("facebook", signed(body))).status).toBe(200)
      expect(yield* webhook.drain).toMatchObject({ done: 1, dead: 0 })
      yield* Evidence.runOnce({ onSettled: intake.evidenceSettled })
      const tips = yield* Tips.Tips
      const [tip] = yield* tips.list(leader)
      const history = yield* tips.history(leader, tip!.id)
      const kept = history.filter((e) => e._tag === "EvidenceStored")
      expect(kept).toHaveLength(1)
      expect(kept[0]).toMatchObject({
        item: {
          hash: createHash("sha256").update(photo).digest("hex"),
          size: photo.length,
          mediaType: "image/png"
        }
      })
    }).pipe(Effect.provide(layer))
  )
})
