# SPDX-License-Identifier: GPL-3.0-or-later
# Whether Chromium takes Confab's answer: a headless Chromium makes an offer
# (av, audio, video, or data: max-bundle with a data channel), `confab answer`
# answers it, and the page applies that answer. Needs a build whose call sets
# a=fingerprint (DTLS); run from the source tree:
#   python3 tests/transport/data/check-chromium-answers.py av build/app/confab
# Writes /tmp/e2e-<variant>-{offer,answer}.sdp. Manual, not a test: it needs
# Chromium and chromedriver.
import json, subprocess, time, urllib.request, sys, os
CONFAB = sys.argv[2] if len(sys.argv) > 2 else 'build/app/confab'
variant = sys.argv[1]  # av | audio | video | data
page = '''<!doctype html><html><body><pre id="out">pending</pre><script>
async function gathered(pc){ if(pc.iceGatheringState==='complete')return; await new Promise(r=>{pc.addEventListener('icegatheringstatechange',()=>{if(pc.iceGatheringState==='complete')r();});}); }
window.pc = null;
(async()=>{ try {
  const kind = '%s';
  const c = {audio: kind!=='video', video: kind!=='audio'};
  const s = await navigator.mediaDevices.getUserMedia(c);
  pc = new RTCPeerConnection({bundlePolicy: kind==='data' ? 'max-bundle' : 'balanced'});
  s.getTracks().forEach(t=>pc.addTrack(t,s));
  if (kind==='data') pc.createDataChannel('chat');
  await pc.setLocalDescription(await pc.createOffer()); await gathered(pc);
  document.getElementById('out').textContent = pc.localDescription.sdp;
 } catch(e) { document.getElementById('out').textContent = 'ERROR ' + e; }
 document.title='offer'; })();
window.applyAnswer = async (sdp) => { try { await pc.setRemoteDescription({type:'answer', sdp}); return 'accepted ' + pc.signalingState; } catch(e) { return 'ERROR ' + e; } };
</script></body></html>''' % variant
open('/tmp/e2e.html','w').write(page)
p = subprocess.Popen(['chromedriver','--port=9521'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
def req(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    r = urllib.request.Request('http://127.0.0.1:9521'+path, data=data, method=method, headers={'Content-Type':'application/json'})
    return json.load(urllib.request.urlopen(r, timeout=120))
conf = None
try:
    time.sleep(1.5)
    caps={'capabilities':{'alwaysMatch':{'goog:chromeOptions':{'binary':'/usr/bin/chromium','args':['--headless=new','--no-sandbox','--use-fake-device-for-media-stream','--use-fake-ui-for-media-stream','--disable-gpu']}}}}
    sid = req('POST','/session',caps)['value']['sessionId']
    req('POST',f'/session/{sid}/url',{'url':'file:///tmp/e2e.html'})
    for i in range(60):
        if req('GET',f'/session/{sid}/title')['value']=='offer': break
        time.sleep(0.5)
    offer = req('POST',f'/session/{sid}/execute/sync',{'script':"return document.getElementById('out').textContent",'args':[]})['value']
    conf = subprocess.Popen([CONFAB,'answer','--duration','5'], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    conf.stdin.write(offer.replace('\r\n','\n') + '\n'); conf.stdin.flush()
    lines = []
    while True:
        l = conf.stdout.readline()
        if l == '':
            print('confab stderr:', conf.stderr.read()); break
        if l.strip() == '' and lines: break
        if l.strip(): lines.append(l.rstrip('\r\n'))
    answer = '\r\n'.join(lines) + '\r\n'
    open('/tmp/e2e-%s-offer.sdp' % variant,'w',newline='').write(offer)
    open('/tmp/e2e-%s-answer.sdp' % variant,'w',newline='').write(answer)
    r = req('POST',f'/session/{sid}/execute/async',{'script':"const cb=arguments[arguments.length-1]; applyAnswer(arguments[0]).then(cb);",'args':[answer]})['value']
    print(variant, '->', r)
    time.sleep(7)
    conf.kill(); print("confab stderr:", conf.stderr.read()[-1500:])
    req("DELETE",f"/session/{sid}")
finally:
    if conf: conf.kill()
    p.terminate()
