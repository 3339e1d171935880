// Package recording records live HTTP exchanges with the Stytch API (or the
// local provider) as go-vcr v4 cassettes and replays them, with secrets
// redacted before anything touches disk.
//
// A [Recorder] is an [http.RoundTripper]. In [ModeReplay], the default, it
// answers from the cassette and never reaches the network; a missing
// cassette fails with an error naming the command that records it ("make
// record" unless [WithRecordCommand] says otherwise). In [ModeRecord] it
// forwards requests and, on [Recorder.Stop], redacts every interaction and
// writes the cassette atomically ([WriteFileAtomic]): a failure never leaves
// a half-written file, and the previous recording stays intact.
//
//	rec, err := recording.New("testdata/update_saml_full",
//		recording.WithMode(recording.ModeRecord),
//		recording.WithSecrets(secret, sessionToken, signingKeyPEM))
//	if err != nil { ... }
//	client := rec.Client() // or put rec under your own transports
//	// ... make requests ...
//	if err := rec.Stop(); err != nil { ... } // redacted, atomic
//
// Redaction ([Redactor], [Redact]) works by name and by value. By name:
// Authorization becomes [PlaceholderAuthorization] (Basic, with a fake
// project ID and secret, so security checks still pass), the member session
// headers become [PlaceholderSessionToken] and [PlaceholderSessionJWT],
// Cookie and Set-Cookie and any header, JSON field or query parameter whose
// name contains secret, token, jwt, password, private_key or api_key
// ([IsSecretName]) get a placeholder of the same JSON type; private keys get
// the PEM-shaped [PlaceholderPEM]. By value: every registered secret is
// removed wherever it appears, also JSON-, URL- or base64-encoded. As a last
// guard, a cassette still holding a registered secret is not written
// ([ErrSecretInOutput]).
//
// Replay matching ([Redactor.Match]) redacts the live request the same way
// and compares method, path, query and body (JSON by value), plus which of
// the Authorization and member session headers are present, so a request
// with other real credentials or keys replays the recording while a request
// with a different field does not. The host is ignored.
package recording
