//! A forward-only position in a request's data: NVMe/TCP moves a
//! command's data in several PDUs (in-capsule, H2C chunks, C2H chunks),
//! each continuing where the previous stopped, so the walk over the
//! caller's buffer or SGL is kept per command instead of restarted.

use std::ptr;

use crate::request::{BadPayload, Payload, Request};

#[derive(Clone, Copy)]
pub(crate) struct Cursor {
    started: bool,
    /// Next byte of the current segment and what is left of it.
    at: *mut u8,
    seg_left: u32,
    /// Payload bytes passed so far.
    pos: u32,
}

impl Cursor {
    pub const fn new() -> Cursor {
        Cursor {
            started: false,
            at: ptr::null_mut(),
            seg_left: 0,
            pos: 0,
        }
    }

    /// The next piece of at most `max` contiguous bytes, advancing past it.
    ///
    /// # Safety
    /// `req`'s payload pointers and callbacks are valid (the request is in
    /// flight) and `req` is the request this cursor started on.
    pub unsafe fn next(&mut self, req: &Request, max: u32) -> Result<(*mut u8, u32), BadPayload> {
        let (p, n) = self.peek(req, max)?;
        self.advance(n);
        Ok((p, n))
    }

    /// Passes `n` bytes of the piece the last [`Cursor::peek`] gave.
    pub fn advance(&mut self, n: u32) {
        let n = n.min(self.seg_left);
        // SAFETY: stays within the current segment.
        self.at = unsafe { self.at.add(n as usize) };
        self.seg_left -= n;
        self.pos += n;
    }

    /// The next piece of at most `max` contiguous bytes, without passing
    /// it (a receive may fill only part of it).
    ///
    /// # Safety
    /// As [`Cursor::next`].
    pub unsafe fn peek(&mut self, req: &Request, max: u32) -> Result<(*mut u8, u32), BadPayload> {
        if self.pos >= req.payload_size || max == 0 {
            return Err(BadPayload);
        }
        if !self.started {
            self.started = true;
            match req.payload {
                Payload::None => return Err(BadPayload),
                Payload::Contig { buf, .. } => {
                    if buf.is_null() {
                        return Err(BadPayload);
                    }
                    self.at = buf.add(req.payload_offset as usize);
                    self.seg_left = req.payload_size;
                }
                // Positioned below, segment by segment.
                Payload::Sgl { .. } => {}
            }
        }
        if self.seg_left == 0 {
            let Payload::Sgl {
                reset: Some(reset),
                next: Some(next),
                cb_arg,
                ..
            } = req.payload
            else {
                return Err(BadPayload);
            };
            // The children of a split I/O share the caller's scatter list
            // (one position for all), and their data moves over several
            // polls, interleaved: put the list where this one stands
            // before each of its segments.
            reset(cb_arg, req.payload_offset + self.pos);
            let mut addr: *mut std::ffi::c_void = ptr::null_mut();
            let mut len: u32 = 0;
            if next(cb_arg, &mut addr, &mut len) != 0 || addr.is_null() || len == 0 {
                return Err(BadPayload);
            }
            self.at = addr.cast();
            self.seg_left = len;
        }
        let n = max.min(self.seg_left).min(req.payload_size - self.pos);
        Ok((self.at, n))
    }

    /// Copies the next `dst.len()` payload bytes into `dst`.
    ///
    /// # Safety
    /// As [`Cursor::next`].
    pub unsafe fn read_into(&mut self, req: &Request, dst: &mut [u8]) -> Result<(), BadPayload> {
        let mut done = 0;
        while done < dst.len() {
            let want = (dst.len() - done).min(u32::MAX as usize) as u32;
            let (p, n) = self.next(req, want)?;
            ptr::copy_nonoverlapping(p, dst.as_mut_ptr().add(done), n as usize);
            done += n as usize;
        }
        Ok(())
    }

    /// Copies `src` into the next `src.len()` payload bytes.
    ///
    /// # Safety
    /// As [`Cursor::next`].
    pub unsafe fn write_from(&mut self, req: &Request, src: &[u8]) -> Result<(), BadPayload> {
        let mut done = 0;
        while done < src.len() {
            let want = (src.len() - done).min(u32::MAX as usize) as u32;
            let (p, n) = self.next(req, want)?;
            ptr::copy_nonoverlapping(src.as_ptr().add(done), p, n as usize);
            done += n as usize;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::{c_int, c_void};

    struct Sg {
        segs: Vec<(*mut u8, u32)>,
        idx: usize,
        skip: u32,
    }

    unsafe extern "C" fn reset(arg: *mut c_void, mut off: u32) {
        let sg = &mut *(arg as *mut Sg);
        sg.idx = 0;
        while sg.idx < sg.segs.len() && off >= sg.segs[sg.idx].1 {
            off -= sg.segs[sg.idx].1;
            sg.idx += 1;
        }
        sg.skip = off;
    }

    unsafe extern "C" fn next(arg: *mut c_void, addr: *mut *mut c_void, len: *mut u32) -> c_int {
        let sg = &mut *(arg as *mut Sg);
        let Some(&(p, l)) = sg.segs.get(sg.idx) else {
            return -1;
        };
        *addr = p.add(sg.skip as usize).cast();
        *len = l - sg.skip;
        sg.skip = 0;
        sg.idx += 1;
        0
    }

    #[test]
    fn sgl_walk_in_pieces() {
        let mut a = [0u8; 5];
        let mut b = [0u8; 7];
        let mut sg = Sg {
            segs: vec![(a.as_mut_ptr(), 5), (b.as_mut_ptr(), 7)],
            idx: 0,
            skip: 0,
        };
        let mut req = Request::empty();
        req.payload = Payload::Sgl {
            reset: Some(reset),
            next: Some(next),
            cb_arg: (&mut sg as *mut Sg).cast(),
            md: ptr::null_mut(),
        };
        req.payload_offset = 2;
        req.payload_size = 9;
        let mut c = Cursor::new();
        unsafe {
            c.write_from(&req, &[1, 2, 3, 4]).unwrap();
            c.write_from(&req, &[5, 6, 7, 8, 9]).unwrap();
            assert!(c.write_from(&req, &[10]).is_err());
        }
        assert_eq!(a, [0, 0, 1, 2, 3]);
        assert_eq!(b, [4, 5, 6, 7, 8, 9, 0]);
        let mut c = Cursor::new();
        let mut out = [0u8; 9];
        unsafe { c.read_into(&req, &mut out).unwrap() };
        assert_eq!(out, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }

    /// Two children of a split I/O share one scatter list; their data
    /// moves interleaved, segment by segment.
    #[test]
    fn siblings_sharing_a_scatter_list_interleave() {
        let mut segs: Vec<[u8; 4]> = vec![[0; 4]; 4];
        let mut sg = Sg {
            segs: segs.iter_mut().map(|s| (s.as_mut_ptr(), 4)).collect(),
            idx: 0,
            skip: 0,
        };
        let arg: *mut c_void = (&mut sg as *mut Sg).cast();
        let child = |offset: u32| {
            let mut r = Request::empty();
            r.payload = Payload::Sgl {
                reset: Some(reset),
                next: Some(next),
                cb_arg: arg,
                md: ptr::null_mut(),
            };
            r.payload_offset = offset;
            r.payload_size = 8;
            r
        };
        let (first, second) = (child(0), child(8));
        let (mut c1, mut c2) = (Cursor::new(), Cursor::new());
        unsafe {
            c1.write_from(&first, &[1; 4]).unwrap();
            c2.write_from(&second, &[3; 4]).unwrap();
            c1.write_from(&first, &[2; 4]).unwrap();
            c2.write_from(&second, &[4; 4]).unwrap();
        }
        assert_eq!(segs, vec![[1; 4], [2; 4], [3; 4], [4; 4]]);
    }

    #[test]
    fn bad_payloads() {
        let mut req = Request::empty();
        req.payload_size = 4;
        let mut c = Cursor::new();
        assert!(unsafe { c.next(&req, 4) }.is_err());
        req.payload = Payload::Contig {
            buf: ptr::null_mut(),
            md: ptr::null_mut(),
        };
        let mut c = Cursor::new();
        assert!(unsafe { c.next(&req, 4) }.is_err());
    }
}
