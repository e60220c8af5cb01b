# SPDX-License-Identifier: GPL-3.0-or-later
# Captures non-trickled Chromium offers and answers (see README.md): runs
# capture-chromium.html through chromedriver and writes chromium-*.sdp here.
import json, os, subprocess, time, urllib.request, sys
HERE = os.path.dirname(os.path.abspath(__file__))
p = subprocess.Popen(['chromedriver','--port=9517'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
def req(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    r = urllib.request.Request('http://127.0.0.1:9517'+path, data=data, method=method, headers={'Content-Type':'application/json'})
    return json.load(urllib.request.urlopen(r, timeout=120))
try:
    time.sleep(1.5)
    caps={'capabilities':{'alwaysMatch':{'goog:chromeOptions':{'binary':'/usr/bin/chromium','args':['--headless=new','--no-sandbox','--use-fake-device-for-media-stream','--use-fake-ui-for-media-stream','--disable-gpu']}}}}
    sid = req('POST','/session',caps)['value']['sessionId']
    req('POST',f'/session/{sid}/url',{'url':'file://' + os.path.join(HERE, 'capture-chromium.html')})
    for i in range(120):
        t = req('GET',f'/session/{sid}/title')['value']
        if t=='done': break
        time.sleep(0.5)
    r = req('POST',f'/session/{sid}/execute/sync',{'script':"return document.getElementById('out').textContent",'args':[]})['value']
    d = json.loads(r)
    for k in ('av', 'audio', 'video'):
        for t in ('offer', 'answer'):
            name = 'chromium-%s-%s.sdp' % ({'av': 'capture'}.get(k, k), t)
            open(os.path.join(HERE, name), 'w', newline='').write(d[k][t])
    req('DELETE',f'/session/{sid}')
finally:
    p.terminate()
