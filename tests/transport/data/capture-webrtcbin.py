# SPDX-License-Identifier: GPL-3.0-or-later
# Prints webrtcbin's non-trickled offer: capture-webrtcbin.py av|audio|video
# (Debian's /usr/bin/python3 with python3-gi).
import sys, gi
gi.require_version('Gst','1.0'); gi.require_version('GstWebRTC','1.0'); gi.require_version('GstSdp','1.0')
from gi.repository import Gst, GstWebRTC, GstSdp, GLib
Gst.init(None)
kind = sys.argv[1]
desc = 'webrtcbin name=w bundle-policy=max-bundle '
if kind != 'video':
    desc += 'audiotestsrc is-live=true ! opusenc ! rtpopuspay pt=111 ! application/x-rtp,media=audio,encoding-name=OPUS,payload=111,clock-rate=48000 ! w. '
if kind != 'audio':
    desc += 'videotestsrc is-live=true ! vp8enc deadline=1 ! rtpvp8pay pt=96 ! application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000 ! w. '
pipe = Gst.parse_launch(desc)
w = pipe.get_by_name('w')
loop = GLib.MainLoop()
def on_gather(*a):
    if w.get_property('ice-gathering-state') == GstWebRTC.WebRTCICEGatheringState.COMPLETE:
        print(w.get_property('local-description').sdp.as_text(), end='')
        loop.quit()
w.connect('notify::ice-gathering-state', on_gather)
def on_offer(promise, _):
    reply = promise.get_reply()  # keeps the offer alive
    offer = reply.get_value("offer")
    w.emit('set-local-description', offer, Gst.Promise.new())
def on_neg(_):
    w.emit('create-offer', None, Gst.Promise.new_with_change_func(on_offer, None))
w.connect('on-negotiation-needed', on_neg)
pipe.set_state(Gst.State.PLAYING)
GLib.timeout_add_seconds(20, loop.quit)
loop.run()
pipe.set_state(Gst.State.NULL)
