# What users see: the seed-style notes, diagrams, the reachability matrix, views and colour, tab completion, and the
# runbook contract (-Quiet, -ErrorAction Stop, JSON, exit codes).
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Snapshot = Import-PacketWalkSnapshot -Path $Seed
    $script:Scenarios = Join-Path $RepoRoot 'tests/scenarios'
    $script:Reachable = Test-PacketPath -Source $HostA -Destination $HostB -Port 443 -Snapshot $Snapshot
    $script:Blocked = Test-PacketPath -Source $HostB -Destination $HostA -Port 443 -Snapshot $Snapshot
    $script:Narrowed = Test-PacketPath -Source $HostA -Destination i-0b000000000000b02 -Port 443 -Snapshot (Join-Path $Scenarios 'nacl-deny-reply-ephemeral/snapshot')
    $script:ToEdge = Test-PacketPath -Source $HostA -Destination 192.168.10.10 -Port 443 -Snapshot (Join-Path $Scenarios 'tgw-vpn-dx-edges/snapshot')

    # A second pwsh for scripts run with -File (exit codes). The build runs pwsh either directly or as dotnet pwsh.dll.
    function script:Invoke-ChildPwsh {
        param([string[]]$Arguments)
        $exe = [Environment]::ProcessPath
        $prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
        $out = & $exe @prefix -NoProfile -NonInteractive @Arguments 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($out | ForEach-Object ToString) -join "`n" }
    }
}

Describe 'Format-PacketPath' {
    It 'prints the seed notes block for the seed walk' {
        $notes = $Reachable | Format-PacketPath
        $notes | Should -BeOfType ([string])
        $lines = $notes -split "`r?`n"
        $lines[0] | Should -Be '== Packet Path =='
        $lines[1] | Should -Be $SeedForward
        $lines[2] | Should -Be $SeedReturn
        $lines | Should -Contain '== Packet Headers =='
        $lines | Should -Contain 'Source: 10.0.9.132'
        $lines | Should -Contain 'Source Port: Ephemeral (32768-60999)'
        $lines | Should -Contain 'Destination: 10.1.8.131'
        $lines | Should -Contain 'Destination Port: 443/tcp'
        $notes | Should -Not -Match '== Hops =='
    }

    It 'ends a blocked direction at the blocking id and says why the return was not walked' {
        $lines = ($Blocked | Format-PacketPath) -split "`r?`n"
        $lines[1] | Should -Be 'Forward: eni-0092f8e2d29917a4c -> eni-05888d6f1ed0595bb -> eni-062a260949710dda8 -> X blocked at eni-084d826e4b1e0e190'
        $lines[2] | Should -Be 'Return: (not walked: the forward path is blocked)'
        $lines | Should -Contain 'Blocked at eni-084d826e4b1e0e190 (ENI_SG_RULES_MISMATCH): no rule in sg-0a00000000000a801 matches'
    }

    It 'lists every hop with -IncludeHops and writes one block per piped result' {
        $blocks = @($Reachable, $Blocked | Format-PacketPath -IncludeHops)
        $blocks.Count | Should -Be 2
        $hopLines = @(($blocks[0] -split "`r?`n") | Where-Object { $_ -match '^(Forward|Return)\s+\d+ ' })
        $hopLines.Count | Should -Be $Reachable.Hops.Count
        $hopLines[0] | Should -Match '^Forward\s+1 SecurityGroupEgress\s+eni-084d826e4b1e0e190\s+Allow\s+sg-0a00000000000a801 outbound all to 0.0.0.0/0$'
        $blocks[1] | Should -Match 'SecurityGroupIngress\s+eni-084d826e4b1e0e190\s+Deny\s+no rule in sg-0a00000000000a801 matches \[ENI_SG_RULES_MISMATCH\]'
    }
}

Describe 'ConvertTo-PacketPathDiagram' {
    BeforeAll {
        # A minimal PNG reader (8-bit RGB/RGBA, not interlaced, as Chromium writes screenshots) for pixel statistics.
        if (-not ('PacketWalkTests.PngStats' -as [type])) {
            Add-Type -TypeDefinition @'
using System; using System.Collections.Generic; using System.IO; using System.IO.Compression;
namespace PacketWalkTests {
public sealed class PngStats {
    public int Width, Height, DistinctColors; public double NonWhiteFraction; private HashSet<int> _colors = new HashSet<int>();
    public bool Has(int r, int g, int b) { return _colors.Contains((r << 16) | (g << 8) | b); }
    public static PngStats Read(string path) {
    var bytes = File.ReadAllBytes(path); int pos = 8, w = 0, h = 0, bpp = 0; var idat = new MemoryStream();
    while (pos < bytes.Length) {
        int len = (bytes[pos] << 24) | (bytes[pos+1] << 16) | (bytes[pos+2] << 8) | bytes[pos+3];
        string type = System.Text.Encoding.ASCII.GetString(bytes, pos + 4, 4);
        if (type == "IHDR") {
            w = (bytes[pos+8] << 24) | (bytes[pos+9] << 16) | (bytes[pos+10] << 8) | bytes[pos+11];
            h = (bytes[pos+12] << 24) | (bytes[pos+13] << 16) | (bytes[pos+14] << 8) | bytes[pos+15];
            if (bytes[pos+16] != 8 || bytes[pos+20] != 0) throw new NotSupportedException("8-bit, non-interlaced PNG only");
            bpp = bytes[pos+17] == 6 ? 4 : bytes[pos+17] == 2 ? 3 : throw new NotSupportedException("RGB or RGBA only");
        }
        if (type == "IDAT") idat.Write(bytes, pos + 8, len);
        pos += 12 + len;
    }
    idat.Position = 0; var raw = new MemoryStream(); using (var z = new ZLibStream(idat, CompressionMode.Decompress)) z.CopyTo(raw);
    var data = raw.ToArray(); int stride = w * bpp; var prev = new byte[stride]; var cur = new byte[stride];
    long nonWhite = 0; var stats = new PngStats { Width = w, Height = h };
    for (int y = 0; y < h; y++) {
        int f = data[y * (stride + 1)]; Array.Copy(data, y * (stride + 1) + 1, cur, 0, stride);
        for (int i = 0; i < stride; i++) {
            int a = i >= bpp ? cur[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
            int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
            int pred = f == 1 ? a : f == 2 ? b : f == 3 ? (a + b) / 2 : f == 4 ? (pa <= pb && pa <= pc ? a : pb <= pc ? b : c) : 0;
            cur[i] = (byte)(cur[i] + pred);
        }
        for (int x = 0; x < w; x++) {
            int r = cur[x * bpp], g = cur[x * bpp + 1], bl = cur[x * bpp + 2];
            if (r < 245 || g < 245 || bl < 245) nonWhite++;
            stats._colors.Add((r << 16) | (g << 8) | bl);
        }
        var t = prev; prev = cur; cur = t;
    }
    stats.NonWhiteFraction = (double)nonWhite / ((long)w * h); stats.DistinctColors = stats._colors.Count;
    return stats;
    }
}}
'@
        }
    }

    It 'writes Mermaid by default, with the forward and return arrows and the VPC/AZ/subnet groups' {
        $m = $Reachable | ConvertTo-PacketPathDiagram
        $m | Should -BeOfType ([string])
        $m | Should -Match '^flowchart LR'
        ([regex]::Matches($m, ' -->\|F\d\| ')).Count | Should -Be 4
        ([regex]::Matches($m, ' -\.->\|R\d\| ')).Count | Should -Be 4
        $m | Should -Match 'subgraph az_vpc_0a000000000000001_us_east_1b\["us-east-1b"\]'
        # Labels come from the snapshot the result was walked on, without passing it again.
        $m | Should -Match 'HOST-A i-0a00000000000000a'
    }

    It 'writes DOT with dashed return edges' {
        $d = $Reachable | ConvertTo-PacketPathDiagram -Format Dot
        $d | Should -Match '^digraph PacketPath \{'
        ([regex]::Matches($d, 'style=dashed, penwidth=2\]')).Count | Should -Be 4
    }

    It 'writes a self-contained, well-formed SVG with every ENI, two arrow styles and the blocked marker' {
        foreach ($result in $Reachable, $Blocked) {
            $svg = $result | ConvertTo-PacketPathDiagram -Format Svg
            $xml = [xml]$svg
            $xml.DocumentElement.LocalName | Should -Be 'svg'
            $svg | Should -Not -Match 'href|<script|@import'
            foreach ($eni in @($result.ForwardPath) + @($result.ReturnPath)) { $svg | Should -Match ([regex]::Escape("data-id=""$eni""")) }
            $svg | Should -Match 'class="edge forward'
            $svg | Should -Match '\.edge\.return \{ stroke: #[0-9a-f]{6}; stroke-dasharray: 8 5; \}'
        }
        $svgReachable = $Reachable | ConvertTo-PacketPathDiagram -Format Svg
        $svgReachable | Should -Match 'class="edge return"'
        $svgReachable | Should -Not -Match 'class="node blocked"'
        $svgBlocked = $Blocked | ConvertTo-PacketPathDiagram -Format Svg
        $svgBlocked | Should -Match 'class="node blocked"'
        $svgBlocked | Should -Match 'class="edge forward stop"'
        $svgBlocked | Should -Match 'ENI_SG_RULES_MISMATCH'
    }

    It 'takes the snapshot explicitly, and draws from the hops alone for a result it has never seen' {
        # -Snapshot takes a path like the walking cmdlets; the Core builder with no model uses the hops alone.
        $fresh = Test-PacketPath -Source $HostA -Destination $HostB -Port 443 -Snapshot $Seed
        ($fresh | ConvertTo-PacketPathDiagram -Snapshot $Seed) | Should -Match 'VPC-A vpc-0a000000000000001'
        $core = [PacketWalk.Core.Diagrams.PathDiagram]::Build($fresh, $null).Render('Mermaid')
        $core | Should -Not -Match 'HOST-A'
        $core | Should -Match 'eni-084d826e4b1e0e190'
    }

    It 'marks a narrowed reply with a warning marker' {
        $svg = $Narrowed | ConvertTo-PacketPathDiagram -Format Svg
        $svg | Should -Match 'class="node warning"'
        $svg | Should -Match '32768-40000'
    }

    It 'renders in headless Chromium to a picture that is not blank and shows both arrow colours' -Skip:(-not (Get-Command chromium, chromium-browser, google-chrome -CommandType Application -ErrorAction SilentlyContinue)) {
        $browser = (Get-Command chromium, chromium-browser, google-chrome -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1).Source
        $svgPath = Join-Path $TestDrive 'walk.svg'
        $pngPath = Join-Path $TestDrive 'walk.png'
        $svg = $Blocked | ConvertTo-PacketPathDiagram -Format Svg
        Set-Content -LiteralPath $svgPath -Value $svg -Encoding utf8
        $xml = [xml]$svg
        $width = [int][double]$xml.DocumentElement.width
        $height = [int][double]$xml.DocumentElement.height
        $profileDir = Join-Path $TestDrive 'chromium-profile'
        $null = & $browser --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking `
            --disable-component-update --disable-sync --hide-scrollbars "--user-data-dir=$profileDir" "--window-size=$width,$height" `
            "--screenshot=$pngPath" ([Uri]::new($svgPath).AbsoluteUri) 2>&1
        $pngPath | Should -Exist
        $stats = [PacketWalkTests.PngStats]::Read($pngPath)
        $stats.Width | Should -Be $width
        $stats.Height | Should -Be $height
        $stats.NonWhiteFraction | Should -BeGreaterThan 0.05 -Because 'the picture must not be blank'
        $stats.DistinctColors | Should -BeGreaterThan 20
        # Forward arrows are #1f6feb, the stop arrow and marker #d1242f.
        $stats.Has(0x1f, 0x6f, 0xeb) | Should -BeTrue -Because 'forward arrows are drawn in blue'
        $stats.Has(0xd1, 0x24, 0x2f) | Should -BeTrue -Because 'the blocking hop is marked in red'
    }
}

Describe 'Get-ReachabilityMatrix' {
    It 'writes one row per pair and port, skipping a host paired with itself' {
        $rows = @(Get-ReachabilityMatrix -Source $HostA, $HostB -Port 22, 443 -Snapshot $Snapshot)
        $rows.Count | Should -Be 4
        $rows[0] | Should -BeOfType ([PacketWalk.Core.Analysis.ReachabilityMatrixRow])
        ($rows | ForEach-Object { "$($_.Source)>$($_.Destination)/$($_.Port)=$($_.Verdict)" }) -join ' ' |
            Should -Be "$HostA>$HostB/22=Reachable $HostA>$HostB/443=Reachable $HostB>$HostA/22=Reachable $HostB>$HostA/443=Blocked"
        $rows[3].BlockedDirection | Should -Be 'Forward'
        $rows[3].BlockedAt | Should -Be 'eni-084d826e4b1e0e190'
        $rows[3].Reason | Should -Be 'ENI_SG_RULES_MISMATCH'
        $rows[3].SourceName | Should -Be 'HOST-B'
        @(Get-ReachabilityMatrix -Source $HostA, 'eni-084d826e4b1e0e190', '10.0.9.132' -Destination $HostA -Port 443 -Snapshot $Snapshot).Count | Should -Be 0
    }

    It 'takes sources piped as Get-EC2Instance output (Reservations of Instances) and ids' {
        $reservation = [pscustomobject]@{ ReservationId = 'r-1'; Instances = @([pscustomobject]@{ InstanceId = $HostA; PrivateIpAddress = '10.0.9.132' }) }
        $rows = @($reservation, $HostB | Get-ReachabilityMatrix -Port 443 -Snapshot $Snapshot)
        $rows.Source | Should -Be @($HostA, $HostB)
        $rows.Destination | Should -Be @($HostB, $HostA)
    }

    It 'exports to CSV with the audit columns and scalar cells only' {
        $csv = Join-Path $TestDrive 'matrix.csv'
        Get-ReachabilityMatrix -Source $HostA, $HostB -Port 443 -Snapshot $Snapshot | Export-Csv -LiteralPath $csv -NoTypeInformation
        $rows = @(Import-Csv -LiteralPath $csv)
        $rows.Count | Should -Be 2
        foreach ($c in 'Source', 'Destination', 'Protocol', 'Port', 'Verdict', 'Reachable', 'BlockedDirection', 'BlockedAt', 'Reason') {
            $rows[0].PSObject.Properties.Name | Should -Contain $c
        }
        $rows[1].Verdict | Should -Be 'Blocked'
        $rows[1].Reachable | Should -Be 'False'
        Get-Content -Raw -LiteralPath $csv | Should -Not -Match 'System\.|PacketWalk\.Core'
    }

    It 'reads a snapshot path once for the whole matrix' {
        $rows = @(Get-ReachabilityMatrix -Source $HostA, $HostB -Port 22, 443 -Snapshot $Seed -Verbose 4>&1)
        @($rows | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Reading snapshot*' }).Count | Should -Be 1
        @($rows | Where-Object { $_ -is [PacketWalk.Core.Analysis.ReachabilityMatrixRow] }).Count | Should -Be 4
    }

    It 'gives the same rows in the same order with -Parallel' {
        $ids = @($Snapshot.Model.Instances.Keys) + @($Snapshot.Model.NetworkInterfaces.Keys) | Sort-Object
        $key = { "$($_.Source)>$($_.Destination)/$($_.Port)=$($_.Verdict)@$($_.BlockedAt)" }
        $sequential = Get-ReachabilityMatrix -Source $ids -Port 22, 443 -Snapshot $Snapshot -ErrorAction SilentlyContinue | ForEach-Object $key
        $parallel = Get-ReachabilityMatrix -Source $ids -Port 22, 443 -Snapshot $Snapshot -Parallel -ThrottleLimit 4 -ErrorAction SilentlyContinue | ForEach-Object $key
        @($sequential).Count | Should -BeGreaterThan 20
        $parallel | Should -Be $sequential
    }

    It 'reports an unknown id once, walks the other pairs, and stops on it with -ErrorAction Stop' {
        $rows = @(Get-ReachabilityMatrix -Source $HostA, 'i-0000000000000dead', $HostB -Port 22, 443 -Snapshot $Snapshot -ErrorVariable errs -ErrorAction SilentlyContinue)
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'PacketWalkEndpointNotFound,PacketWalk.PowerShell.Cmdlets.GetReachabilityMatrixCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $rows.Count | Should -Be 4
        { Get-ReachabilityMatrix -Source 'i-0000000000000dead', $HostB -Port 443 -Snapshot $Snapshot -ErrorAction Stop } |
            Should -Throw -ErrorId 'PacketWalkEndpointNotFound,PacketWalk.PowerShell.Cmdlets.GetReachabilityMatrixCommand'
    }

    It 'refuses tcp without -Port, before walking anything' {
        { Get-ReachabilityMatrix -Source $HostA, $HostB -Snapshot $Snapshot } | Should -Throw -ErrorId 'PacketWalkPortRequired,PacketWalk.PowerShell.Cmdlets.GetReachabilityMatrixCommand'
        @(Get-ReachabilityMatrix -Source $HostA, $HostB -Protocol icmp -Snapshot $Snapshot).Count | Should -Be 2
    }

    It 'pipes rows (and walk results) back into Test-PacketPath and Get-PacketPath by property name' {
        # Regression: IcmpType = $null on a piped object once failed ValidateRange on -IcmpType.
        $again = Get-ReachabilityMatrix -Source $HostA, $HostB -Port 443 -Snapshot $Snapshot | Where-Object Verdict -eq 'Blocked' | Test-PacketPath -Snapshot $Snapshot -ErrorAction Stop
        $again.BlockedAt | Should -Be 'eni-084d826e4b1e0e190'
        $deny = @($Blocked | Get-PacketPath -Snapshot $Snapshot -ErrorAction Stop | Where-Object { -not $_.Passed })
        $deny.Count | Should -Be 1
        $deny[0].Decision | Should -Be 'Deny'
    }
}

Describe 'Views and colour' {
    It 'shows a verdict as one line: source → destination, packet, verdict, where, why' {
        $text = $Blocked | Format-Table | Out-String -Width 200
        $lines = @($text -split "`r?`n" | Where-Object { $_.Trim() })
        $lines.Count | Should -Be 3
        $lines[0] | Should -Match '^Source → Destination\s+Packet\s+Verdict\s+BlockedDirection\s+BlockedAt\s+Reason$'
        $lines[2] | Should -Match "^$HostB → $HostA\s+tcp/443\s+Blocked\s+Forward\s+eni-084d826e4b1e0e190\s+ENI_SG_RULES_MISMATCH$"
    }

    It 'shows hops like the seed notes and matrix rows with names' {
        (Get-PacketPath -Source $HostA -Destination $HostB -Port 443 -Snapshot $Snapshot | Select-Object -First 1 | Format-Table | Out-String -Width 200) |
            Should -Match 'Forward\s+1 SecurityGroupEgress\s+eni-084d826e4b1e0e190\s+Allow\s+sg-0a00000000000a801 outbound all to 0.0.0.0/0'
        (Get-ReachabilityMatrix -Source $HostA, $HostB -Port 443 -Snapshot $Snapshot | Format-Table | Out-String -Width 200) |
            Should -Match 'i-0b00000000000000b \(HOST-B\)\s+i-0a00000000000000a \(HOST-A\)\s+tcp/443\s+Blocked\s+Forward\s+eni-084d826e4b1e0e190'
        (Get-ReachabilityMatrix -Source $HostA, $HostB -Port 443 -Snapshot $Snapshot | Select-Object -Last 1 | Format-List | Out-String -Width 200) |
            Should -Match 'Rule\s+: no rule in sg-0a00000000000a801 matches'
    }

    Context 'colour' {
        BeforeEach { $script:savedRendering = $PSStyle.OutputRendering; $script:savedNoColor = $env:NO_COLOR; $env:NO_COLOR = $null }
        AfterEach { $PSStyle.OutputRendering = $savedRendering; $env:NO_COLOR = $savedNoColor }

        It 'colours decisions and verdicts when $PSStyle.OutputRendering is Ansi' {
            $PSStyle.OutputRendering = 'Ansi'
            $hops = Get-PacketPath -Source $HostB -Destination $HostA -Port 443 -Snapshot $Snapshot | Format-Table | Out-String -Width 200
            $hops | Should -Match ([regex]::Escape("`e[32mAllow`e[0m"))
            $hops | Should -Match ([regex]::Escape("`e[31mDeny`e[0m"))
            $Blocked | Format-Table | Out-String -Width 200 | Should -Match ([regex]::Escape("`e[31mBlocked`e[0m"))
            $Narrowed | Format-List | Out-String -Width 200 | Should -Match ([regex]::Escape("`e[33mAmbiguous`e[0m"))
            $ToEdge | Format-Table | Out-String -Width 200 | Should -Match ([regex]::Escape("`e[36mReachableToEdge`e[0m"))
        }

        It 'adds no colour with PlainText rendering' {
            $PSStyle.OutputRendering = 'PlainText'
            $Blocked | Format-Table | Out-String -Width 200 | Should -Not -Match "`e\["
            Get-PacketPath -Source $HostB -Destination $HostA -Port 443 -Snapshot $Snapshot | Format-Table | Out-String -Width 200 | Should -Not -Match "`e\["
        }

        It 'adds no colour when NO_COLOR is set, whatever the rendering' {
            $PSStyle.OutputRendering = 'Ansi'
            $env:NO_COLOR = '1'
            [PacketWalk.PowerShell.OutputStyle]::Enabled($PSStyle, $Host) | Should -BeFalse
            $Blocked | Format-Table | Out-String -Width 200 | Should -Not -Match ([regex]::Escape("`e[31mBlocked"))
        }

        It 'follows the host in Host rendering' {
            $PSStyle.OutputRendering = 'Host'
            [PacketWalk.PowerShell.OutputStyle]::Enabled($PSStyle, $Host) | Should -Be ([bool]$Host.UI.SupportsVirtualTerminal)
        }

        It 'keeps colour out of the objects and out of Format-PacketPath' {
            $PSStyle.OutputRendering = 'Ansi'
            $Blocked.Verdict.ToString() | Should -Be 'Blocked'
            $Blocked | Format-PacketPath | Should -Not -Match "`e\["
            $csv = Join-Path $TestDrive 'plain.csv'
            $Blocked.Hops | Export-Csv -LiteralPath $csv
            Get-Content -Raw -LiteralPath $csv | Should -Not -Match "`e\["
        }
    }
}

Describe 'Tab completion of ids from the snapshot' {
    BeforeAll {
        function script:Complete([string]$line) { (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches }
    }

    It 'completes -Source from the -Snapshot object on the command line, by id or by Name tag' {
        $byName = @(Complete 'Test-PacketPath -Snapshot $Snapshot -Source HOST-A')
        $byName.CompletionText | Should -Contain $HostA
        ($byName | Where-Object CompletionText -eq $HostA).ListItemText | Should -Be "$HostA (HOST-A)"
        $byId = @(Complete 'Get-PacketPath -Snapshot $Snapshot -Port 443 -Destination eni-0')
        $byId.CompletionText | Should -Contain 'eni-084d826e4b1e0e190'
        $byId.CompletionText | Where-Object { $_ -notlike 'eni-0*' } | Should -BeNullOrEmpty
    }

    It 'reads a -Snapshot path on the command line' {
        Push-Location $ModuleBase
        try {
            (Complete 'Test-NaclHop -Snapshot ./samples/seed -Direction Inbound -NetworkAclId acl-0a').CompletionText |
                Should -Be @('acl-0a00000000000a000', 'acl-0a00000000000a801')
        }
        finally { Pop-Location }
    }

    It 'uses the last imported snapshot when the command line names none' {
        $other = Import-PacketWalkSnapshot (Join-Path $Scenarios 'sg-reference/snapshot')
        $expected = @($other.Model.Instances.Keys | Sort-Object)
        (Complete 'Get-ReachabilityMatrix -Port 443 -Source i-').CompletionText | Where-Object { $_ -like 'i-*' } | Should -Be $expected
        $null = Import-PacketWalkSnapshot $Seed
    }

    It 'completes attachments, VPCs and Availability Zones' {
        (Complete 'Get-TgwAttachmentForAz -Snapshot $Snapshot -AvailabilityZone us-east-1a -TransitGatewayAttachmentId tgw-attach-').CompletionText |
            Should -Be @('tgw-attach-0a1a2b3c4d5e6f0aa', 'tgw-attach-0c1a2b3c4d5e605bd')
        (Complete 'Get-TgwAttachmentForAz -Snapshot $Snapshot -AvailabilityZone us-east-1a -VpcId VPC-B').CompletionText | Should -Be 'vpc-0b000000000000001'
        (Complete 'Get-TgwAttachmentForAz -Snapshot $Snapshot -VpcId vpc-0b000000000000001 -AvailabilityZone us-').CompletionText | Should -Be @('us-east-1a', 'us-east-1b')
    }

    It 'completes route table ids' {
        $results = [PacketWalk.PowerShell.RouteTableIdCompleter]::new().CompleteArgument('Any-Command', 'RouteTableId', 'rtb-0b', $null, @{ Snapshot = $Snapshot })
        $results.CompletionText | Should -Be @($Snapshot.Model.RouteTables.Keys | Where-Object { $_ -like 'rtb-0b*' } | Sort-Object)
        $results.Count | Should -BeGreaterThan 0
    }

    It 'offers nothing, and throws nothing, for a snapshot that cannot be read' {
        @(Complete 'Test-PacketPath -Snapshot ./no/such/folder -Source i-').Count | Should -Be 0
        [PacketWalk.PowerShell.EndpointIdCompleter]::new().CompleteArgument('Test-PacketPath', 'Source', 'i-', $null, @{ Snapshot = (Join-Path $BadSnapshots 'malformed-json') }) |
            Should -BeNullOrEmpty
    }
}

Describe 'Runbook ergonomics' {
    It '-Quiet writes one [bool]' {
        $q = @(Test-PacketPath -Source $HostB -Destination $HostA -Port 443 -Snapshot $Snapshot -Quiet)
        $q.Count | Should -Be 1
        $q[0] | Should -BeOfType ([bool])
        $q[0] | Should -BeFalse
    }

    It 'honours -ErrorAction Stop: bad input throws a catchable error and the next statement does not run' {
        $reached = $false
        $caught = $null
        try {
            Test-PacketPath -Source 'i-0000000000000dead' -Destination $HostB -Port 443 -Snapshot $Snapshot -ErrorAction Stop
            $reached = $true
        }
        catch { $caught = $_ }
        $reached | Should -BeFalse
        $caught.FullyQualifiedErrorId | Should -Be 'PacketWalkEndpointNotFound,PacketWalk.PowerShell.Cmdlets.TestPacketPathCommand'
        $caught.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        { Test-PacketPath -Source $HostA -Destination $HostB -Snapshot $Snapshot -ErrorAction Stop } | Should -Throw -ErrorId 'PacketWalkPortRequired,PacketWalk.PowerShell.Cmdlets.TestPacketPathCommand'
        { Get-PacketPath -Source $HostA -Destination $HostB -Port 443 -Snapshot (Join-Path $BadSnapshots 'malformed-json') -ErrorAction Stop } | Should -Throw -ErrorId 'SnapshotMalformedJson,PacketWalk.PowerShell.Cmdlets.GetPacketPathCommand'
    }

    It 'honours $ErrorActionPreference = Stop and, by default, goes on to the next input' {
        $results = @('i-0000000000000dead', $HostA | Test-PacketPath -Destination $HostB -Port 443 -Snapshot $Snapshot -ErrorVariable errs -ErrorAction SilentlyContinue)
        $results.Count | Should -Be 1
        $errs.Count | Should -Be 1
        & {
            $ErrorActionPreference = 'Stop'
            { Test-PacketPath -Source 'i-0000000000000dead' -Destination $HostB -Port 443 -Snapshot $Snapshot } | Should -Throw -ErrorId 'PacketWalkEndpointNotFound*'
        }
    }

    Context 'ConvertTo-Json of a verdict' {
        BeforeAll {
            $script:SchemaFile = Join-Path $RepoRoot 'docs/verdict-schema.json'
            $script:Schema = Get-Content -Raw -LiteralPath $SchemaFile | ConvertFrom-Json -AsHashtable
            # An Unknown verdict: the seed without its NACLs.
            $noNacls = Join-Path $TestDrive 'seed-without-nacls'
            $null = New-Item -ItemType Directory -Path $noNacls
            Get-ChildItem $Seed -Filter *.json | Where-Object Name -ne 'NetworkAcls.json' | Copy-Item -Destination $noNacls
            $script:UnknownResult = Test-PacketPath -Source $HostA -Destination $HostB -Port 443 -Snapshot $noNacls -WarningAction SilentlyContinue
        }

        It 'walks to an Unknown verdict without NACLs, and to a VPN edge (the fixtures of the next tests)' {
            $UnknownResult.Verdict | Should -Be 'Unknown'
            $ToEdge.Verdict | Should -Be 'ReachableToEdge'
        }

        It 'is complete at -Depth 5: no truncation, every hop an object, every documented property present in order' {
            foreach ($r in $Reachable, $Blocked, $Narrowed, $UnknownResult, $ToEdge) {
                $json = $r | ConvertTo-Json -Depth 5 -EnumsAsStrings -WarningVariable truncation
                $truncation | Should -BeNullOrEmpty
                $doc = $json | ConvertFrom-Json -AsHashtable
                @($doc.Keys) | Should -Be @($Schema.properties.Keys)
                @($doc.Hops).Count | Should -Be $r.Hops.Count
                foreach ($hop in $doc.Hops) {
                    $hop | Should -BeOfType ([System.Collections.IDictionary])
                    @($hop.Keys) | Should -Be @($Schema.'$defs'.PacketHop.properties.Keys)
                }
            }
        }

        It 'validates against docs/verdict-schema.json, with and without -EnumsAsStrings' {
            foreach ($r in $Reachable, $Blocked, $Narrowed, $UnknownResult, $ToEdge) {
                $r | ConvertTo-Json -Depth 5 -EnumsAsStrings | Test-Json -SchemaFile $SchemaFile | Should -BeTrue -Because "$($r.Verdict) as names"
                $r | ConvertTo-Json -Depth 5 | Test-Json -SchemaFile $SchemaFile | Should -BeTrue -Because "$($r.Verdict) as numbers"
            }
            '{ "Verdict": "Maybe" }' | Test-Json -SchemaFile $SchemaFile -ErrorAction SilentlyContinue | Should -BeFalse
        }

        It 'writes enumerations as names with -EnumsAsStrings and as their pinned numbers without it' {
            $names = $Blocked | ConvertTo-Json -Depth 5 -EnumsAsStrings | ConvertFrom-Json
            $names.Verdict | Should -Be 'Blocked'
            $names.BlockedDirection | Should -Be 'Forward'
            $names.Hops[0].Step | Should -Be 'SecurityGroupEgress'
            $names.Hops[0].Decision | Should -Be 'Allow'
            $numbers = $Blocked | ConvertTo-Json -Depth 5 | ConvertFrom-Json
            $numbers.Verdict | Should -Be 1
            $numbers.BlockedDirection | Should -Be 0
        }

        It 'is stable: the same walk serialises to the same text' {
            $again = Test-PacketPath -Source $HostB -Destination $HostA -Port 443 -Snapshot $Snapshot
            ($again | ConvertTo-Json -Depth 5 -EnumsAsStrings) | Should -BeExactly ($Blocked | ConvertTo-Json -Depth 5 -EnumsAsStrings)
        }

        It 'documents exactly the properties and enumerations the types have' {
            @($Schema.properties.Keys | Sort-Object) | Should -Be @([PacketWalk.Core.Walk.PacketPathResult].GetProperties().Name | Sort-Object) -Because 'docs/verdict-schema.json must list every PacketPathResult property'
            @($Schema.'$defs'.PacketHop.properties.Keys | Sort-Object) | Should -Be @([PacketWalk.Core.Walk.PacketHop].GetProperties().Name | Sort-Object) -Because 'docs/verdict-schema.json must list every PacketHop property'
            @($Schema.required) | Should -Be @($Schema.properties.Keys)
            foreach ($enum in [PacketWalk.Core.Walk.PathVerdict], [PacketWalk.Core.Walk.WalkDirection], [PacketWalk.Core.Walk.HopDecision], [PacketWalk.Core.Walk.HopStep]) {
                $def = $Schema.'$defs'[$enum.Name].oneOf
                @($def[0].enum) | Should -Be @([Enum]::GetNames($enum)) -Because "docs/verdict-schema.json lists the names of $($enum.Name)"
                @($def[1].enum) | Should -Be @([Enum]::GetValues($enum) | ForEach-Object { [int]$_ }) -Because "the n-th number of $($enum.Name) is its n-th name"
                (Get-Content -Raw (Join-Path $RepoRoot 'docs/verdict-schema.md')) | Should -Match ([regex]::Escape(([Enum]::GetNames($enum) | Select-Object -Last 1))) -Because "docs/verdict-schema.md names every $($enum.Name) member"
            }
        }
    }

    It 'answers with exit codes when the example runbook runs under pwsh -File' {
        $runbook = Join-Path $RepoRoot 'examples/Test-Reachability.ps1'
        $cases = @(
            @{ Args = @('-Source', $HostA, '-Destination', $HostB, '-Port', '443', '-Snapshot', $Seed); Exit = 0; Verdict = 'Reachable' }
            @{ Args = @('-Source', $HostB, '-Destination', $HostA, '-Port', '443', '-Snapshot', $Seed); Exit = 1; Verdict = 'Blocked' }
            @{ Args = @('-Source', $HostA, '-Destination', 'i-0b000000000000b02', '-Port', '443', '-Snapshot', (Join-Path $Scenarios 'nacl-deny-reply-ephemeral/snapshot')); Exit = 2; Verdict = 'Ambiguous' }
            @{ Args = @('-Source', 'i-0000000000000dead', '-Destination', $HostB, '-Port', '443', '-Snapshot', $Seed); Exit = 3; Verdict = $null }
            @{ Args = @('-Source', $HostA, '-Destination', $HostB, '-Snapshot', $Seed); Exit = 3; Verdict = $null }
            @{ Args = @('-Source', $HostA, '-Destination', $HostB, '-Port', '443', '-Snapshot', (Join-Path $TestDrive 'missing')); Exit = 3; Verdict = $null }
        )
        foreach ($case in $cases) {
            $run = Invoke-ChildPwsh (@('-File', $runbook) + $case.Args + @('-ModulePath', $ModulePath))
            $run.ExitCode | Should -Be $case.Exit -Because ($case.Args -join ' ')
            if ($case.Verdict) { ($run.Output | ConvertFrom-Json).Verdict | Should -Be $case.Verdict }
            else { $run.Output | Should -Match 'PacketWalk could not walk: \w+' }
        }
    }
}
