"""A slow viewer cannot hold up the room: its queue is bounded, it skips to the next keyframe."""

from __future__ import annotations

import asyncio

import av

from daigang.streaming.media import PacketTrack, RelayCounters


def packet(*, keyframe: bool) -> av.Packet:
    made = av.Packet(b"\x00" * 10)
    made.is_keyframe = keyframe
    return made


def test_a_viewer_starts_at_a_keyframe_it_asks_for_when_its_sender_first_pulls():
    async def scenario():
        requests = []
        track = PacketTrack(
            kind="video", counters=RelayCounters(), keyframe_request=lambda: requests.append(1)
        )
        track.push(packet(keyframe=True))  # before the connection is up: not queued
        pulled = asyncio.ensure_future(track.recv())
        await asyncio.sleep(0)
        track.push(packet(keyframe=False))  # a delta frame is useless without its keyframe
        track.push(packet(keyframe=True))
        first = await pulled
        return requests, first

    requests, first = asyncio.run(scenario())

    assert requests == [1]
    assert first.is_keyframe


def test_an_overflowing_viewer_drops_its_backlog_and_waits_for_a_keyframe():
    async def scenario():
        counters = RelayCounters()
        requests = []
        track = PacketTrack(
            kind="video",
            counters=counters,
            keyframe_request=lambda: requests.append(1),
            queue_size=3,
        )
        pulled = asyncio.ensure_future(track.recv())
        await asyncio.sleep(0)
        track.push(packet(keyframe=True))
        await pulled
        # when: the sender stops pulling while the room goes on
        for _ in range(4):
            track.push(packet(keyframe=False))
        track.push(packet(keyframe=False))  # after the overflow: dropped, not a keyframe
        track.push(packet(keyframe=True))
        next_packet = await track.recv()
        return counters, requests, next_packet

    counters, requests, next_packet = asyncio.run(scenario())

    assert counters.packets_dropped == 4
    assert len(requests) == 2  # on joining, and on overflowing
    assert next_packet.is_keyframe
