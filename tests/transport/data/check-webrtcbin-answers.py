# SPDX-License-Identifier: GPL-3.0-or-later
# Whether webrtcbin (GStreamer 1.22) takes Confab's answer: webrtcbin offers
# (av, audio or video, max-bundle), `confab answer` answers, webrtcbin applies
# the answer. Needs a call that sets a=fingerprint; Debian's python3-gi:
#   /usr/bin/python3 tests/transport/data/check-webrtcbin-answers.py av build/app/confab
# Manual, not a test.
import sys, subprocess, gi
gi.require_version('Gst','1.0'); gi.require_version('GstWebRTC','1.0'); gi.require_version('GstSdp','1.0')
from gi.repository import Gst, GstWebRTC, GstSdp, GLib
Gst.init(None)
kind = sys.argv[1]; confab_path = sys.argv[2]
desc = 'webrtcbin name=w bundle-policy=max-bundle '
if kind != 'video':
    desc += 'audiotestsrc is-live=true ! opusenc ! rtpopuspay pt=111 ! application/x-rtp,media=audio,encoding-name=OPUS,payload=111,clock-rate=48000 ! w. '
if kind != 'audio':
    desc += 'videotestsrc is-live=true ! vp8enc deadline=1 ! rtpvp8pay pt=96 ! application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000 ! w. '
pipe = Gst.parse_launch(desc)
w = pipe.get_by_name('w')
loop = GLib.MainLoop()
state = {'done': False}
def on_answer_set(promise, _):
    r = promise.get_reply()
    print(kind, 'set-remote-description:', 'error ' + str(r.get_value('error')) if r is not None and r.has_field('error') else 'accepted', 'signaling', w.get_property('signaling-state'))
    loop.quit()
def on_gather(*a):
    if state['done'] or w.get_property('ice-gathering-state') != GstWebRTC.WebRTCICEGatheringState.COMPLETE:
        return
    state['done'] = True
    offer = w.get_property('local-description').sdp.as_text()
    conf = subprocess.Popen([confab_path, 'answer', '--duration', '3'], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    conf.stdin.write(offer.replace('\r\n', '\n') + '\n'); conf.stdin.flush()
    lines = []
    while True:
        l = conf.stdout.readline()
        if l == '' or (l.strip() == '' and lines): break
        if l.strip(): lines.append(l.rstrip())
    conf.kill()
    answer = '\r\n'.join(lines) + '\r\n'
    open('/tmp/wb-e2e-%s-answer.sdp' % kind, 'w', newline='').write(answer)
    res, msg = GstSdp.SDPMessage.new_from_text(answer)
    desc = GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.ANSWER, msg)
    w.emit('set-remote-description', desc, Gst.Promise.new_with_change_func(on_answer_set, None))
w.connect('notify::ice-gathering-state', on_gather)
def on_offer(promise, _):
    reply = promise.get_reply(); offer = reply.get_value('offer')
    if offer is None:
        print('no offer:', promise.get_reply()); loop.quit(); return
    w.emit('set-local-description', offer, Gst.Promise.new())
def on_neg(_):
    if state.get('offered'):
        return
    state['offered'] = True
    GLib.idle_add(lambda: w.emit('create-offer', None, Gst.Promise.new_with_change_func(on_offer, None)) and False)
w.connect('on-negotiation-needed', on_neg)
pipe.set_state(Gst.State.PLAYING)
GLib.timeout_add_seconds(30, loop.quit)
loop.run()
pipe.set_state(Gst.State.NULL)
