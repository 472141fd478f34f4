//! Channels: frames reassembled into compressed channel data.
