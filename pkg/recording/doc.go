// Package recording records live HTTP exchanges with the Stytch API (or the
// local provider) as go-vcr v4 cassettes and replays them, with secrets
// redacted before anything touches disk.
//
// A [Recorder] is an [http.RoundTripper]. In [ModeReplay], the default, it
// answers from the cassette and never reaches the network; a missing
// cassette fails with an error naming the command that records it ("make
// record" unless [WithRecordCommand] says otherwise). In [ModeRecord] it
// forwards requests and, on [Recorder.Stop], redacts every interaction and
// writes the cassette atomically (a temporary file renamed over the old one): a failure never leaves
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
// Redaction ([Redactor]) works by name, by value and by content.
// By name: Authorization becomes [PlaceholderAuthorization] (Basic, with a
// fake project ID and secret, so security checks still pass), the member
// session headers become [PlaceholderSessionToken] and
// [PlaceholderSessionJWT], Cookie and Set-Cookie and any header, JSON field
// or query parameter whose name contains secret, token, jwt, password,
// private_key or api_key ([IsSecretName]) get a placeholder of the same JSON
// type; private keys get the PEM-shaped [PlaceholderPEM]. By value: every
// registered secret is removed wherever it appears, also JSON-, URL- (query
// and path) or base64-encoded (both alphabets, padded or not, and inside
// longer base64 text at any byte offset); the Basic credential of a recorded
// request (project_id:secret and its base64) is registered automatically. By
// content, whatever the field or header: PEM private key blocks (also with
// escaped or form-encoded line breaks), JWTs (three base64url segments whose
// header is JSON with "alg") and Stytch session tokens (44 base64url
// characters mixing cases and digits).
//
// Bodies sent with Content-Encoding gzip or deflate are decoded before
// redaction and stored decoded; a body in another encoding, or one that does
// not decode, cannot be inspected and is refused ([ErrUninspectable]). As a
// last guard, a cassette still holding a registered secret, also inside
// compressed or base64 text, is not written ([ErrSecretInOutput]).
//
// A set of cassettes is recorded all or nothing with [StartRun]: cassettes
// are written to a staging directory that [Run.Commit] swaps in; a failed or
// interrupted run leaves the previous directory exactly as it was, and the
// next run removes what an interrupted one left behind.
//
// Replay matching ([Redactor.Match]) redacts the live request the same way
// and compares method, path, query and body (JSON by value), plus which of
// the Authorization and member session headers are present, so a request
// with other real credentials or keys replays the recording while a request
// with a different field does not. The host is ignored.
package recording
