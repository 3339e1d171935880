// Package fast holds the accelerators of package capture's readers, behind
// one contract: hand over only pairs you are sure of; otherwise say where to
// resume and let the reference reader do it from the start of that item.
//
// "Sure" means: the item (a HAR entry, a cassette interaction) is whole,
// its end confirmed by the next item or by the end of the document, and it
// holds nothing the accelerator does not read exactly as the reference
// reader would. An accelerator never reports an error in a file: what is
// wrong is for the reference reader to find and say. The differential tests
// and fuzz targets in package capture hold the two together pair by pair.
package fast
