{
  "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
  "verificationMaterial": {
    "publicKey": {
      "hint": "149d2d64edfb0a1cd876173dafa6ad827c664d14ac0f93f5d30bd5996e648730"
    },
    "tlogEntries": []
  }
}
