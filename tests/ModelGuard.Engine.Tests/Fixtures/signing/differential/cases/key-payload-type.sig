{
  "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
  "verificationMaterial": {
    "publicKey": {
      "hint": "149d2d64edfb0a1cd876173dafa6ad827c664d14ac0f93f5d30bd5996e648730"
    },
    "tlogEntries": []
  },
  "dsseEnvelope": {
    "payload": "ewogICJfdHlwZSI6ICJodHRwczovL2luLXRvdG8uaW8vU3RhdGVtZW50L3YxIiwKICAic3ViamVjdCI6IFsKICAgIHsKICAgICAgIm5hbWUiOiAicDI1Ni1rZXktbW9kZWwiLAogICAgICAiZGlnZXN0IjogewogICAgICAgICJzaGEyNTYiOiAiNmNlMjk0NWYwNWFhNjQxNTBlNDAyMWRhYTIyZjM3ZDI2OWE5YTAyNDBhNTdiYTBkZWM4OTBhN2U0Mjc2MjA2NiIKICAgICAgfQogICAgfQogIF0sCiAgInByZWRpY2F0ZVR5cGUiOiAiaHR0cHM6Ly9tb2RlbF9zaWduaW5nL3NpZ25hdHVyZS92MS4wIiwKICAicHJlZGljYXRlIjogewogICAgInNlcmlhbGl6YXRpb24iOiB7CiAgICAgICJtZXRob2QiOiAiZmlsZXMiLAogICAgICAiaGFzaF90eXBlIjogInNoYTI1NiIsCiAgICAgICJhbGxvd19zeW1saW5rcyI6IGZhbHNlLAogICAgICAiaWdub3JlX3BhdGhzIjogWwogICAgICAgICJtb2RlbC5zaWciCiAgICAgIF0KICAgIH0sCiAgICAicmVzb3VyY2VzIjogWwogICAgICB7CiAgICAgICAgImFsZ29yaXRobSI6ICJzaGEyNTYiLAogICAgICAgICJuYW1lIjogImNvbmZpZy5qc29uIiwKICAgICAgICAiZGlnZXN0IjogIjYxMDJiN2I5NzdhZjQ1MmJhMjk3MzAwNWM0ZDUxZTdjOWNmOWI3ODg1NTdmY2Y3ZGFiMzU4NWI5OGNkYTE2ZmUiCiAgICAgIH0sCiAgICAgIHsKICAgICAgICAiYWxnb3JpdGhtIjogInNoYTI1NiIsCiAgICAgICAgIm5hbWUiOiAid2VpZ2h0cy9wYXJ0LTAuYmluIiwKICAgICAgICAiZGlnZXN0IjogIjg5ZjRmZjU2YTI1ZGQxZGIwNmE0Y2U2MDMzNjAzNzc1ZDcwNWZiOTZmMzBmODY5MzczM2ZlZjYwMmExY2E1MzIiCiAgICAgIH0KICAgIF0KICB9Cn0=",
    "payloadType": "application/json",
    "signatures": [
      {
        "sig": "MEUCIQCHWagrEShYkpbxRgSYfGex07N/ypSvbqiA7caq+wc4xQIgZ4KDIpo3/xWslsctSg0w/5R+1lj+OYCXH9kwoBxOIWE=",
        "keyid": ""
      }
    ]
  }
}
