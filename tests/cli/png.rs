//! A small PNG reader for screenshots (8-bit RGB or RGBA, not interlaced, as Chromium writes
//! them): enough to ask whether a rendered page is blank and which colours it shows.

use std::io::Read as _;

/// Decoded pixels, RGBA, row by row.
pub struct Image {
    /// Pixels across.
    pub width: usize,
    /// Pixels down.
    pub height: usize,
    /// `width * height` RGBA pixels.
    pub pixels: Vec<[u8; 4]>,
}

impl Image {
    /// How many pixels have exactly this RGB colour.
    pub fn count(&self, rgb: [u8; 3]) -> usize {
        self.pixels.iter().filter(|pixel| pixel[..3] == rgb).count()
    }

    /// How many pixels are not (near) white.
    pub fn inked(&self) -> usize {
        self.pixels
            .iter()
            .filter(|pixel| pixel[..3].iter().any(|channel| *channel < 240))
            .count()
    }
}

/// Decodes `bytes`; panics on anything but 8-bit RGB/RGBA without interlacing.
pub fn decode(bytes: &[u8]) -> Image {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let (mut width, mut height, mut channels) = (0, 0, 0);
    let mut compressed = Vec::new();
    let mut at = 8;
    while at + 8 <= bytes.len() {
        let length = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        let kind = &bytes[at + 4..at + 8];
        let data = &bytes[at + 8..at + 8 + length];
        match kind {
            b"IHDR" => {
                width = u32::from_be_bytes(data[0..4].try_into().unwrap()) as usize;
                height = u32::from_be_bytes(data[4..8].try_into().unwrap()) as usize;
                assert_eq!(data[8], 8, "bit depth");
                channels = match data[9] {
                    2 => 3,
                    6 => 4,
                    other => panic!("colour type {other}"),
                };
                assert_eq!(data[12], 0, "interlaced");
            }
            b"IDAT" => compressed.extend_from_slice(data),
            b"IEND" => break,
            _ => {}
        }
        at += 12 + length; // length, type, data, CRC
    }
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(compressed.as_slice())
        .read_to_end(&mut raw)
        .expect("image data inflates");
    let stride = width * channels;
    assert_eq!(raw.len(), height * (stride + 1), "image data size");
    let mut previous = vec![0u8; stride];
    let mut pixels = Vec::with_capacity(width * height);
    for row in raw.chunks(stride + 1) {
        let (filter, line) = (row[0], &row[1..]);
        let mut current = vec![0u8; stride];
        for i in 0..stride {
            let left = if i >= channels {
                current[i - channels]
            } else {
                0
            };
            let up = previous[i];
            let up_left = if i >= channels {
                previous[i - channels]
            } else {
                0
            };
            let predicted = match filter {
                0 => 0,
                1 => left,
                2 => up,
                3 => u8::midpoint(left, up), // floor((left + up) / 2)
                4 => paeth(left, up, up_left),
                other => panic!("filter {other}"),
            };
            current[i] = line[i].wrapping_add(predicted);
        }
        for pixel in current.chunks(channels) {
            pixels.push([
                pixel[0],
                pixel[1],
                pixel[2],
                if channels == 4 { pixel[3] } else { 255 },
            ]);
        }
        previous = current;
    }
    Image {
        width,
        height,
        pixels,
    }
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) = (
        (p - i16::from(a)).abs(),
        (p - i16::from(b)).abs(),
        (p - i16::from(c)).abs(),
    );
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}
